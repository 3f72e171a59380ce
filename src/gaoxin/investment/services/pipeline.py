"""The project pipeline 线索 → 洽谈 → 签约 → 注册 → 供地/入驻 → 开工 → 竣工 → 投产 → 达产, with 暂停 and
终止, as one table (TRANSITIONS) run by the core workflow machine (`PROJECTS`).

Each advance has a stage gate (GATES: the fields it requires, the evidence it needs). A move to 签约 or
past it waits for the investment bureau's review: until a bureau officer other than the mover confirms it
(`review_ok`) the project cannot move on and the move does not count in any KPI; `review_back` returns the
project to the stage it came from. Every change writes a StageEvent (the timeline KPIs are computed
from) and an audit event, in the runner's transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy

from gaoxin.core import audit, clock
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.core.workflow import Machine, Step, Transition
from gaoxin.enterprises.selectors import registry_has

from .. import permissions
from ..models import Carrier, Commitment, Evidence, Project, StageEvent

S = Project.Stage
TEAM, BUREAU = "team", "bureau"
ROLE_NAMES = {TEAM: gettext_lazy("项目团队"), BUREAU: gettext_lazy("投资促进局")}

ORDER = [S.LEAD, S.TALKS, S.SIGNED, S.REGISTERED, S.SETTLED, S.STARTED, S.COMPLETED, S.PRODUCING, S.FULL]
RANK: dict[str, int] = {str(s): i for i, s in enumerate(ORDER)}
ACTIVE = tuple(ORDER[:-1])  # stages a project can still move on from
REVIEWED = set(ORDER[RANK[S.SIGNED] :])  # a move to one of these waits for the bureau's review


@dataclass(frozen=True)
class Gate:
    """What a stage requires before a project may enter it."""

    fields: tuple[tuple[str, str], ...] = ()  # (payload/project field, label)
    evidence: bool = False
    commitments: tuple[str, ...] = ()
    carrier_or_evidence: bool = False
    in_registry: bool = False


GATES: dict[str, Gate] = {
    S.TALKS: Gate(fields=(("contact_name", "联系人"), ("intended_investment", "意向投资"))),
    S.SIGNED: Gate(
        fields=(("agreement_no", "协议编号"), ("signed_amount", "签约金额"), ("signed_on", "签约日期")),
        evidence=True,
        commitments=(Commitment.Kind.INVESTMENT, Commitment.Kind.START_BY, Commitment.Kind.PRODUCE_BY),
    ),
    S.REGISTERED: Gate(fields=(("uscc", "落地企业信用代码"),), in_registry=True),
    S.SETTLED: Gate(carrier_or_evidence=True),
    S.STARTED: Gate(fields=(("permit_no", "施工许可证号"),), evidence=True),
    S.COMPLETED: Gate(evidence=True),
    S.PRODUCING: Gate(evidence=True),
    S.FULL: Gate(),
}
ADVANCES = {
    "talk": (S.LEAD, S.TALKS, "进入洽谈"),
    "sign": (S.TALKS, S.SIGNED, "签约"),
    "register": (S.SIGNED, S.REGISTERED, "注册落地"),
    "settle": (S.REGISTERED, S.SETTLED, "供地/入驻"),
    "start": (S.SETTLED, S.STARTED, "开工"),
    "complete": (S.STARTED, S.COMPLETED, "竣工"),
    "produce": (S.COMPLETED, S.PRODUCING, "投产"),
    "full": (S.PRODUCING, S.FULL, "达产"),
}
PAYLOAD_FIELDS = {"agreement_no", "signed_amount", "signed_on", "uscc", "permit_no", "contact_name"}


def _may(role: str, actor, project: Project) -> bool:
    if role == BUREAU:
        return permissions.is_bureau(actor)
    return permissions.is_bureau(actor) or permissions.on_team(actor, project)


def gate_problems(project: Project, stage: str) -> dict[str, str]:
    """What is missing for `project` to enter `stage`, field → why (empty: the gate is open)."""
    gate = GATES.get(stage, Gate())
    problems: dict[str, str] = {}
    for name, label in gate.fields:
        value = getattr(project, name)
        if value in (None, "") or (isinstance(value, Decimal) and value <= 0):
            problems[name] = f"须填写{label}"
    if gate.evidence and not project.evidence.filter(stage=stage).exists():
        problems["evidence"] = f"须上传「{S(stage).label}」阶段的佐证材料"
    if gate.commitments:
        have = set(project.commitments.values_list("kind", flat=True))
        missing = [str(Commitment.Kind(k).label) for k in gate.commitments if k not in have]
        if missing:
            problems["commitments"] = "须登记承诺：" + "、".join(missing)
    if gate.carrier_or_evidence and not (
        Carrier.objects.filter(project=project).exists() or project.evidence.filter(stage=stage).exists()
    ):
        problems["carrier"] = "须落实载体（标准地/厂房）或上传供地、入驻材料"
    if gate.in_registry and project.uscc and not registry_has(project.uscc):
        problems["uscc"] = "企业名录中没有该信用代码的企业：请先在名录中登记"
    return problems


def _business_date(payload: dict, today: dt.date) -> dt.date:
    on = payload.get("on") or today
    if on > today:
        raise ValidationFailed("发生日期不能晚于今天", fields={"on": "不能晚于今天"})
    return on


def _advance(target: str):
    def effect(project: Project, actor, payload: dict, today: dt.date) -> dict:
        for name in PAYLOAD_FIELDS:
            if payload.get(name) not in (None, ""):
                setattr(project, name, payload[name])
        if target == S.SIGNED and project.signed_on is None:
            project.signed_on = payload.get("on") or today
        on: dt.date = (project.signed_on or today) if target == S.SIGNED else _business_date(payload, today)
        if on > today:
            raise ValidationFailed("签约日期不能晚于今天", fields={"signed_on": "不能晚于今天"})
        problems = gate_problems(project, target)
        if problems:
            raise ValidationFailed(
                f"进入「{S(target).label}」的条件未满足：" + "；".join(problems.values()), fields=problems
            )
        return {"on": on.isoformat()}

    return effect


def _require_reason(payload: dict) -> str:
    reason = str(payload.get("note") or "").strip()
    if not reason:
        raise ValidationFailed("请填写原因", fields={"reason": "必填"})
    return reason[:300]


def _pause(project: Project, actor, payload: dict, today: dt.date) -> dict:
    project.reason = _require_reason(payload)
    project.paused_from = project.stage
    return {"reason": project.reason}


def _resume(project: Project, actor, payload: dict, today: dt.date) -> dict:
    project.stage, project.paused_from = project.paused_from or S.LEAD, ""
    return {}


def _terminate(project: Project, actor, payload: dict, today: dt.date) -> dict:
    project.reason = _require_reason(payload)
    project.pending_review = False
    return {"reason": project.reason}


def _pending_event(project: Project) -> StageEvent | None:
    return (
        StageEvent.objects.filter(project=project, counted_on__isnull=True, withdrawn=False)
        .exclude(action__in=("review_ok", "review_back"))
        .order_by("-id")
        .first()
    )


def _review(ok: bool):
    def effect(project: Project, actor, payload: dict, today: dt.date) -> dict:
        event = _pending_event(project)
        if event is None:
            raise Conflict("该项目没有待审核的阶段变更")
        if event.actor_id == getattr(actor, "pk", None):
            raise PermissionDenied("阶段变更须由投资促进局的另一位专员审核，不能审核自己提交的变更")
        if ok:
            event.counted_on = today
        else:
            _require_reason(payload)
            event.withdrawn = True
            project.stage = event.from_stage
        event.save(update_fields=["counted_on", "withdrawn"])
        project.pending_review = False
        return {"event": event.pk, "stage": event.to_stage}

    return effect


def _not_pending(project: Project) -> bool:
    return not project.pending_review


def _pending(project: Project) -> bool:
    return project.pending_review


WAITING = "该项目的上一阶段变更正待投资促进局审核"
TRANSITIONS: list[Transition] = [
    *(
        Transition(action, label, (source,), target, (TEAM,), _advance(target), _not_pending, WAITING)
        for action, (source, target, label) in ADVANCES.items()
    ),
    Transition(
        "review_ok", "审核通过", tuple(REVIEWED), None, (BUREAU,), _review(True), _pending, "没有待审核的变更"
    ),
    Transition(
        "review_back",
        "审核退回",
        tuple(REVIEWED),
        None,
        (BUREAU,),
        _review(False),
        _pending,
        "没有待审核的变更",
    ),
    Transition("pause", "暂停", ACTIVE, S.PAUSED, (TEAM,), _pause, _not_pending, WAITING),
    Transition("resume", "恢复", (S.PAUSED,), None, (TEAM,), _resume),
    Transition("terminate", "终止", (*ACTIVE, S.PAUSED), S.TERMINATED, (TEAM,), _terminate),
]


def _after(step: Step) -> None:
    if step.transition.action in ADVANCES and step.obj.stage in REVIEWED:
        step.obj.pending_review = True


def _write_event(step: Step) -> None:
    action = step.transition.action
    on = dt.date.fromisoformat(step.details["on"]) if "on" in step.details else step.today
    reviewed = action in ADVANCES and step.obj.stage in REVIEWED
    StageEvent.objects.create(
        project=step.obj,
        action=action,
        from_stage=step.before,
        to_stage=step.obj.stage,
        on=on,
        counted_on=None if reviewed else step.today,
        actor=step.actor if getattr(step.actor, "pk", None) else None,
        note=str(step.payload.get("note", ""))[:300],
    )


PROJECTS = Machine(
    name="investment_project",
    model=Project,
    transitions=TRANSITIONS,
    role_names=ROLE_NAMES,
    may=_may,
    visible=lambda actor, project: Project.objects.visible_to(actor).filter(pk=project.pk).exists(),
    write_event=_write_event,
    summary=lambda p: {"code": p.code},
    after=_after,
    state_field="stage",
    revision_field="revision",
    not_found="未找到该项目，或您无权查看",
    stale="该项目已被他人推进，请刷新后再操作",
    wrong_state="项目当前为「{state}」，不能「{action}」",
    forbidden="「{action}」须由{who}办理",
)


def project_move(
    *, actor, project_id: int, action: str, revision: int | None = None, note: str = "", **fields
) -> Project:
    """Run one pipeline action; `revision` is the one the actor saw (a stale one answers 409)."""
    payload = {k: v for k, v in fields.items() if v not in (None, "")}
    payload["note"] = note
    return PROJECTS.run(actor=actor, action=action, pk=project_id, payload=payload, revision=revision)


# ---- project data around the pipeline -----------------------------------------------------------


def _project_for_team(actor, project_id: int) -> Project:
    from ..selectors import project_get

    project = project_get(user=actor, pk=project_id)
    if not _may(TEAM, actor, project):
        raise PermissionDenied("只有项目团队或投资促进局可以修改该项目")
    return project


def _next_code(today: dt.date) -> str:
    prefix = f"ZS{today:%Y}"
    last = (
        Project.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


@transaction.atomic
def lead_create(
    *,
    actor,
    name: str,
    company: str,
    source: str,
    intended_investment: Decimal,
    link=None,
    sector: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    officer=None,
    team=(),
    visit=None,
) -> Project:
    """Enter a lead (线索). The officer in charge defaults to the one entering it."""
    if not permissions.can_manage(actor):
        raise PermissionDenied("只有投资促进局可以登记招商线索")
    if source not in Project.Source.values:
        raise ValidationFailed("线索来源不正确", fields={"source": "取值不正确"})
    if intended_investment is None or intended_investment < 0:
        raise ValidationFailed("意向投资不能为负", fields={"intended_investment": "不能为负"})
    today = clock.today()
    officer = officer or actor
    project = Project.objects.create(
        code=_next_code(today),
        name=name.strip(),
        company=company.strip(),
        source=source,
        link=link,
        sector=sector,
        intended_investment=intended_investment,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        officer=officer,
        department=getattr(officer, "department", None),
        visit=visit,
        created_on=today,
    )
    if team:
        project.team.set(team)
    StageEvent.objects.create(
        project=project,
        action="create",
        from_stage="",
        to_stage=S.LEAD,
        on=today,
        counted_on=today,
        actor=actor,
    )
    audit.record(actor=actor, action="investment_project.create", obj=project, summary={"code": project.code})
    return project


@transaction.atomic
def evidence_add(*, actor, project_id: int, stage: str, title: str, doc_no: str = "") -> Evidence:
    project = _project_for_team(actor, project_id)
    if stage not in GATES:
        raise ValidationFailed("阶段不正确", fields={"stage": "取值不正确"})
    if not title.strip():
        raise ValidationFailed("请填写文件名称", fields={"title": "必填"})
    evidence = Evidence.objects.create(
        project=project, stage=stage, title=title.strip()[:120], doc_no=doc_no.strip()[:60], added_by=actor
    )
    audit.record(
        actor=actor,
        action="investment_project.evidence",
        obj=project,
        summary={"stage": stage, "title": title},
    )
    return evidence


@transaction.atomic
def commitment_set(
    *, actor, project_id: int, kind: str, due_on: dt.date, value: Decimal | None = None
) -> Commitment:
    """Record (or correct, before signing) one commitment of the agreement."""
    project = _project_for_team(actor, project_id)
    if kind not in Commitment.Kind.values:
        raise ValidationFailed("承诺事项不正确", fields={"kind": "取值不正确"})
    if RANK.get(project.stage, 99) > RANK[S.SIGNED] or project.stage in (S.PAUSED, S.TERMINATED):
        raise Conflict("签约后的承诺不能修改")
    if kind not in (Commitment.Kind.START_BY, Commitment.Kind.PRODUCE_BY) and (value is None or value <= 0):
        raise ValidationFailed("请填写承诺值", fields={"value": "须大于 0"})
    commitment, _ = Commitment.objects.update_or_create(
        project=project, kind=kind, defaults={"due_on": due_on, "value": value}
    )
    audit.record(
        actor=actor,
        action="investment_project.commitment",
        obj=project,
        summary={
            "kind": kind,
            "value": str(value) if value is not None else None,
            "due_on": due_on.isoformat(),
        },
    )
    return commitment


@transaction.atomic
def fund_arrival_add(*, actor, project_id: int, amount: Decimal, on: dt.date | None = None):
    from ..models import FundArrival

    project = _project_for_team(actor, project_id)
    today = clock.today()
    on = on or today
    if on > today:
        raise ValidationFailed("到位日期不能晚于今天", fields={"on": "不能晚于今天"})
    if RANK.get(project.stage, -1) < RANK[S.SIGNED] and project.stage != S.PAUSED:
        raise Conflict("签约后才能登记到位资金")
    if amount is None or amount <= 0:
        raise ValidationFailed("到位金额必须大于 0", fields={"amount": "须大于 0"})
    row = FundArrival.objects.create(project=project, on=on, amount=amount, actor=actor)
    audit.record(
        actor=actor,
        action="investment_project.funds",
        obj=project,
        summary={"amount": str(amount), "on": str(on)},
    )
    return row
