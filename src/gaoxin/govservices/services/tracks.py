"""工程建设项目审批 tracks: the four stages (立项用地规划许可 → 工程建设许可 → 施工许可 → 竣工验收) of a
project over ordinary cases, 联合审图 and 联合验收 as joint-review cases, and 拿地即开工.

A stage's dates are its cases' own: it starts on the earliest acceptance and ends on the day its last
case got its result; its working days are counted from core.calendar, both days included (a permit
accepted and issued on one working day took 1 working day). A case listener (`track_case_moved`) keeps
the stages current and moves the track on (TRACKS, on the workflow primitive) when a stage is done.
In 拿地即开工 mode the drawings and permits are reviewed before the land is delivered, under the
signed commitment, and the permits of the first three stages are issued from the land-contract day on."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gaoxin.accounts.models import User
from gaoxin.accounts.permissions import is_enterprise_user
from gaoxin.core import audit, calendar, clock
from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.workflow import Machine, Step, Transition

from .. import permissions as perms
from ..models import Case, CaseEvent, ProjectTrack, TrackCase, TrackStage
from .common import text
from .submission import _applicant_for

TS = ProjectTrack.State
WITH_RESULT = (Case.State.ISSUED, Case.State.CLOSED)
PERMIT_STAGES = (1, 2, 3)  # the permits 拿地即开工 issues on the land-contract day
KIND_STAGE: dict[str, int] = {"joint_drawing": 2, "joint_acceptance": 4, "change": 3}


def span_workdays(start: dt.date, end: dt.date) -> tuple[int, bool]:
    """Working days from `start` through `end`, both included."""
    used, certain = calendar.workdays_between(start, end)
    first, first_certain = calendar.is_workday(start)
    return used + (1 if first else 0), certain and first_certain


def _may_manage(user, track: ProjectTrack) -> bool:
    return perms.is_clerk(user) or (
        is_enterprise_user(user) and user.enterprise_uscc == track.enterprise_uscc
    )


def track_create(
    *,
    actor: User,
    name: str,
    applicant: str | None = None,
    mode: str = ProjectTrack.Mode.STANDARD,
    project_code: str = "",
    commitment: bool = False,
) -> ProjectTrack:
    """Open a project's track for its construction unit (an enterprise), at a window or by itself."""
    person = _applicant_for(actor, applicant)
    if not is_enterprise_user(person) or not person.enterprise_uscc:
        raise ValidationFailed("建设单位须为已核验的企业账户", fields={"applicant": "不是企业账户"})
    if not perms.can_submit_for(actor, person):
        raise PermissionDenied("您无权为该建设单位登记项目")
    name = text(name, 120).strip()
    if not name:
        raise ValidationFailed("请填写项目名称", fields={"name": "必填"})
    if mode not in ProjectTrack.Mode.values:
        raise ValidationFailed("审批模式应为常规审批或拿地即开工", fields={"mode": "取值不在允许范围内"})
    if mode == ProjectTrack.Mode.LAND_FIRST and not commitment:
        raise ValidationFailed("拿地即开工须由建设单位签署承诺书", fields={"commitment": "须签署"})
    with transaction.atomic():
        track = ProjectTrack.objects.create(
            number=f"TMP{timezone.now():%H%M%S%f}",
            name=name,
            project_code=text(project_code, 20),
            applicant=person,
            enterprise_uscc=person.enterprise_uscc,
            applicant_name=person.enterprise_name,
            mode=mode,
            commitment_signed=bool(commitment),
            created_at=clock.now(),
        )
        track.number = f"GC{clock.today():%Y%m%d}{track.pk:06d}"
        track.save(update_fields=["number"])
        TrackStage.objects.bulk_create([TrackStage(track=track, order=n) for n in (1, 2, 3, 4)])
        audit.record(
            actor=actor,
            action="track.create",
            obj=track,
            summary={"number": track.number, "mode": mode, "project": track.project_code},
        )
    return track


def track_case_attach(*, actor: User, number: str, case_number: str, stage: int, kind: str) -> ProjectTrack:
    """Put one of the construction unit's cases on a stage of its project's track."""
    from ..selectors import case_get

    if stage not in (1, 2, 3, 4):
        raise ValidationFailed("阶段应为 1 至 4", fields={"stage": "取值不在允许范围内"})
    if kind not in TrackCase.Kind.values:
        raise ValidationFailed("类别不在允许范围内", fields={"kind": "取值不在允许范围内"})
    if KIND_STAGE.get(kind, stage) != stage:
        raise ValidationFailed(
            f"{TrackCase.Kind(kind).label}属于第 {KIND_STAGE[kind]} 阶段", fields={"stage": "与类别不符"}
        )
    with transaction.atomic():
        track = (
            ProjectTrack.objects.visible_to(actor).select_for_update().filter(number=text(number, 24)).first()
        )
        if track is None:
            raise NotFound("未找到该项目，或您无权查看")
        if not _may_manage(actor, track):
            raise PermissionDenied("只有窗口受理员或建设单位可以关联办件")
        if track.state == TS.COMPLETED and kind != TrackCase.Kind.CHANGE:
            raise Conflict("项目已竣工验收，不能再关联办件")
        case = case_get(user=actor, number=case_number)
        if case.enterprise_uscc != track.enterprise_uscc:
            raise ValidationFailed("该办件的申请人不是本项目的建设单位", fields={"case": "申请人不符"})
        if TrackCase.objects.filter(case=case).exists():
            raise Conflict("该办件已关联到项目")
        TrackCase.objects.create(track=track, stage=stage, kind=kind, case=case)
        audit.record(
            actor=actor,
            action="track.attach",
            obj=track,
            summary={"number": track.number, "case": case.number, "stage": stage, "kind": kind},
        )
        _follow(track, actor, None)
    return ProjectTrack.objects.get(pk=track.pk)


def _result_on(case: Case, moving: Case | None, today: dt.date) -> dt.date | None:
    if moving is not None and case.pk == moving.pk:
        return today if moving.state in WITH_RESULT else None
    if case.state not in WITH_RESULT:
        return None
    at = (
        CaseEvent.objects.filter(case=case, to_state__in=WITH_RESULT)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(at) if at else None


def stages_refresh(track: ProjectTrack, moving: Case | None = None) -> list[TrackStage]:
    """Recompute each stage from its cases (`moving`: the case whose transition is running, not yet
    saved)."""
    today = clock.today()
    stages = list(track.stages.all())
    links = list(TrackCase.objects.filter(track=track).select_related("case"))
    for s in stages:
        # An on-the-spot extension or change of a permit (延期、变更) is recorded on the stage but does
        # not reopen it: the stage's span is its permits'.
        cases = [
            moving if moving is not None and tc.case_id == moving.pk else tc.case
            for tc in links
            if tc.stage == s.order and tc.kind != TrackCase.Kind.CHANGE
        ]
        starts = [c.accepted_on or timezone.localdate(c.submitted_at) for c in cases]
        ends = [_result_on(c, moving, today) for c in cases]
        s.started_on = min(starts) if starts else None
        if cases and all(ends):
            s.state, s.finished_on = TrackStage.State.DONE, max(e for e in ends if e)
            s.workdays, s.workdays_certain = span_workdays(s.started_on, s.finished_on)
        else:
            s.state = TrackStage.State.ACTIVE if cases else TrackStage.State.PENDING
            s.finished_on, s.workdays, s.workdays_certain = None, None, True
        s.save(update_fields=["state", "started_on", "finished_on", "workdays", "workdays_certain"])
    return stages


def _stage_of(track: ProjectTrack) -> int:
    return {v: k for k, v in ProjectTrack.STATE_OF_STAGE.items()}[track.state]


def _follow(track: ProjectTrack, actor, moving: Case | None) -> None:
    stages = {s.order: s for s in stages_refresh(track, moving)}
    current = _stage_of(track)
    while current <= 4 and stages[current].state == TrackStage.State.DONE:
        TRACKS.run(actor=actor, action="advance", pk=track.pk)
        current += 1


# ---- the track machine ----------------------------------------------------------------------------


def _advance(track, user, payload, on):
    stage = track.stages.get(order=_stage_of(track))
    if stage.state != TrackStage.State.DONE:
        raise Conflict(f"「{stage.get_order_display()}」阶段的办件尚未全部办结")
    return {"stage": str(stage.get_order_display()), "workdays": stage.workdays}


def _sign_land_contract(track, user, payload, on):
    if track.land_contract_on:
        raise Conflict(f"土地出让合同已于 {track.land_contract_on} 签订")
    if not track.commitment_signed:
        raise Conflict("建设单位尚未签署承诺书")
    track.land_contract_on = on
    return {"land_contract_on": on.isoformat()}


ADVANCE_FROM = [
    ("planning", "design"),
    ("design", "construction"),
    ("construction", "acceptance"),
    ("acceptance", "completed"),
]
TRANSITIONS = [
    *(
        Transition("advance", "进入下一阶段", (src,), dst, ("follower",), _advance)
        for src, dst in ADVANCE_FROM
    ),
    Transition(
        "sign_land_contract",
        "签订土地出让合同",
        (TS.PLANNING, TS.DESIGN, TS.CONSTRUCTION),
        None,
        ("clerk",),
        _sign_land_contract,
        lambda t: t.mode == ProjectTrack.Mode.LAND_FIRST,
        "只有拿地即开工项目登记土地出让合同签订日",
    ),
]


def _write_event(step: Step) -> None:
    """The track's history is its audit trail (the stage rows carry the dates)."""


TRACKS = Machine(
    name="track",
    model=ProjectTrack,
    transitions=TRANSITIONS,
    role_names={"clerk": gettext_lazy("窗口受理员"), "follower": gettext_lazy("办件承办人")},
    may=lambda role, user, track: perms.is_clerk(user) if role == "clerk" else role == "follower",
    visible=lambda user, track: _visible(user, track),
    write_event=_write_event,
    summary=lambda track: {"number": track.number},
    revision_field="revision",
    not_found="未找到该项目，或您无权查看",
    stale="该项目已被他人处理，请刷新后再操作",
    wrong_state="项目当前处于「{state}」，不能「{action}」",
)


def _visible(user, track: ProjectTrack) -> bool:
    return ProjectTrack.objects.visible_to(user).filter(pk=track.pk).exists()


def track_act(*, actor: User, number: str, action: str, revision: int | None = None) -> ProjectTrack:
    if action != "sign_land_contract":
        raise NotFound(f"没有名为 {text(action, 30)} 的操作")
    return TRACKS.run(actor=actor, action=action, lookup={"number": text(number, 24)}, revision=revision)


def track_case_moved(step: Step) -> None:
    """Case listener: hold a 拿地即开工 permit until the land contract is signed, and keep the stages
    and the track's place current."""
    case = step.obj
    link = TrackCase.objects.filter(case_id=case.pk).first()
    if link is None or case.state == step.before:
        return
    track = ProjectTrack.objects.select_for_update().get(pk=link.track_id)
    if (
        case.state in WITH_RESULT
        and track.mode == ProjectTrack.Mode.LAND_FIRST
        and link.stage in PERMIT_STAGES
        and link.kind == TrackCase.Kind.PERMIT
        and track.land_contract_on is None
    ):
        raise Conflict("拿地即开工：本项目尚未签订土地出让合同，许可证于合同签订当日核发")
    if track.state != TS.COMPLETED:
        _follow(track, step.actor, case)
