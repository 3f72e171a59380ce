"""好差评: a rating after a case (一事一评) or a window visit (一次一评), and the rectification machine of
a 差评 (不满意, 非常不满意): 回访, then 整改 or 解释说明 by a deadline of GAOXIN_RECTIFICATION_WORKDAYS
working days, or 申诉复核 when the rating was mistaken or malicious. A rectification done after its
deadline raises a 电子监察 card (services/supervision.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from gaoxin.accounts.models import Department
from gaoxin.accounts.permissions import has_role, is_applicant, is_leader, is_system_admin, verified_uscc
from gaoxin.accounts.roles import Role
from gaoxin.core import audit, calendar, clock
from gaoxin.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gaoxin.core.notify import notify
from gaoxin.core.workflow import Machine, Step, Transition

from .. import permissions as perms
from ..models import Case, Rating, Rectification, RectificationEvent
from .common import text
from .supervision import department_heads, rectification_late_card

R = Rectification.State
RATEABLE_STATES = (Case.State.ISSUED, Case.State.CLOSED, Case.State.DENIED, Case.State.NOT_ACCEPTED)
OFFICER_ROLES = (Role.APPROVER, Role.LEADER, Role.REVIEWER, Role.WINDOW_CLERK)


def _level(value) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if level not in Rating.Level.values:
        raise ValidationFailed(
            "评价等级应为 5（非常满意）至 1（非常不满意）", fields={"level": "取值不在允许范围内"}
        )
    return level


def rating_submit(
    *,
    actor,
    level: int,
    comment: str = "",
    case_number: str = "",
    window: str = "",
    channel: str = Rating.Channel.ONLINE,
) -> Rating:
    """Rate a concluded case (the applicant online, or the window's rating device recorded by the
    clerk), or a window visit. A case is rated once: of two ratings at the same moment one wins, the
    other is refused with 409."""
    level = _level(level)
    if channel not in Rating.Channel.values:
        raise ValidationFailed("评价渠道应为网上评价或窗口评价器", fields={"channel": "取值不在允许范围内"})
    comment = text(comment, 500).strip()
    if not case_number and not window:
        raise ValidationFailed("请指明评价的办件或窗口", fields={"case": "必填"})
    now = clock.now()
    try:
        with transaction.atomic():
            if case_number:
                rating = _rate_case(actor, case_number, level, comment, channel, now)
            else:
                rating = _rate_visit(actor, window, level, comment, channel, now)
            audit.record(
                actor=actor,
                action="rating.submit",
                obj=rating,
                summary={"kind": rating.kind, "level": level, "case": case_number or None},
            )
            if rating.is_bad:
                _open_rectification(rating)
    except IntegrityError as exc:
        raise Conflict("该办件已评价，不能重复评价") from exc
    return rating


def _rate_case(actor, number: str, level: int, comment: str, channel: str, now) -> Rating:
    from ..selectors import case_get

    found = case_get(user=actor, number=number)
    case = Case.objects.select_for_update().select_related("item").get(pk=found.pk)
    if channel == Rating.Channel.WINDOW:
        if not perms.is_clerk(actor):
            raise PermissionDenied("窗口评价器的评价须由窗口受理员录入")
    elif not perms.acts_as_applicant(actor, case):
        raise PermissionDenied("只有申请人可以评价本办件")
    if case.state not in RATEABLE_STATES:
        raise Conflict(f"办件当前为「{case.get_state_display()}」，办结后方可评价")
    if Rating.objects.filter(case=case, kind=Rating.Kind.CASE).exists():
        raise Conflict("该办件已评价，不能重复评价")
    return Rating.objects.create(
        kind=Rating.Kind.CASE,
        channel=channel,
        case=case,
        item=case.item,
        department_id=case.department_id,
        window_id=case.taken_at_id,
        rater=case.applicant if channel == Rating.Channel.WINDOW else actor,
        enterprise_uscc=case.enterprise_uscc,
        recorded_by=actor if channel == Rating.Channel.WINDOW else None,
        level=level,
        comment=comment,
        at=now,
    )


def _rate_visit(actor, window: str, level: int, comment: str, channel: str, now) -> Rating:
    dept = Department.objects.filter(code=text(window, 40)).first()
    if dept is None:
        raise NotFound("未找到该窗口")
    if channel == Rating.Channel.WINDOW and not perms.is_clerk(actor):
        raise PermissionDenied("窗口评价器的评价须由窗口受理员录入")
    if channel == Rating.Channel.ONLINE and not is_applicant(actor):
        raise PermissionDenied("网上评价须以申请人账户登录")
    return Rating.objects.create(
        kind=Rating.Kind.VISIT,
        channel=channel,
        department=dept,
        window=dept,
        rater=actor,
        enterprise_uscc=verified_uscc(actor) if channel == Rating.Channel.ONLINE else "",
        recorded_by=actor if channel == Rating.Channel.WINDOW else None,
        level=level,
        comment=comment,
        at=now,
    )


def _open_rectification(rating: Rating) -> Rectification:
    due = calendar.add_workdays(clock.today(), settings.RECTIFICATION_WORKDAYS)
    rect = Rectification.objects.create(rating=rating, due_on=due.deadline, due_certain=due.certain)
    audit.record(
        actor=None, action="rectification.open", obj=rect, summary={"due_on": rect.due_on.isoformat()}
    )
    url = reverse("govservices:ratings")
    for head in department_heads(rating.department_id):
        notify(
            recipient=head,
            kind="rating",
            subject=f"收到差评（{rating.get_level_display()}），请于 {rect.due_on} 前回访整改",
            body=rating.comment,
            url=url,
            obj=rect,
        )
    return rect


# ---- the rectification machine ------------------------------------------------------------------------


def _note(payload, name: str, label: str) -> str:
    value = str(payload.get(name) or "").strip()
    if not value:
        raise ValidationFailed(f"请填写{label}", fields={name: "必填"})
    return value[:2000]


def _callback(rect, user, payload, on):
    rect.callback_note, rect.callback_at = _note(payload, "note", "回访记录"), clock.now()
    return {"callback": True}


def _finish(rect, payload, on) -> dict:
    if rect.callback_at is None:
        raise Conflict("差评须先回访评价人，记录回访情况后方可办结")
    rect.outcome, rect.done_on = _note(payload, "note", "处理结果"), on
    rect.late = on > rect.due_on
    if rect.late:
        rectification_late_card(rect)
    notify(
        recipient=rect.rating.rater,
        kind="rating",
        subject="您的差评已处理",
        body=rect.outcome,
        url=reverse("govservices:ratings"),
        obj=rect,
    )
    return {"late": rect.late}


def _rectify(rect, user, payload, on):
    return _finish(rect, payload, on)


def _explain(rect, user, payload, on):
    return _finish(rect, payload, on)


def _appeal(rect, user, payload, on):
    rect.appeal_reason = _note(payload, "note", "申诉理由")
    return {}


def _uphold(rect, user, payload, on):
    rating = rect.rating
    rating.voided = True
    rating.save(update_fields=["voided"])
    rect.done_on = on
    return {"voided": True}


def _dismiss(rect, user, payload, on):
    _note(payload, "note", "复核意见")
    return {}


TRANSITIONS = [
    Transition("callback", "回访", (R.OPEN,), None, ("officer",), _callback),
    Transition("rectify", "整改", (R.OPEN,), R.RECTIFIED, ("officer",), _rectify),
    Transition("explain", "解释说明", (R.OPEN,), R.EXPLAINED, ("officer",), _explain),
    Transition("appeal", "申诉复核", (R.OPEN,), R.APPEALED, ("officer",), _appeal),
    Transition("uphold", "复核通过（差评不计入）", (R.APPEALED,), R.VOIDED, ("supervisor",), _uphold),
    Transition("dismiss", "复核驳回（继续整改）", (R.APPEALED,), R.OPEN, ("supervisor",), _dismiss),
]


def _may(role: str, user, rect: Rectification) -> bool:
    if role == "officer":
        return has_role(user, *OFFICER_ROLES, department_id=rect.rating.department_id)
    if role == "supervisor":
        # 申诉复核 is decided outside the rated department.
        return is_system_admin(user) or (
            is_leader(user) and not has_role(user, Role.LEADER, department_id=rect.rating.department_id)
        )
    return False


def _visible(user, rect: Rectification) -> bool:
    return Rectification.objects.visible_to(user).filter(pk=rect.pk).exists()


def _write_event(step: Step) -> None:
    RectificationEvent.objects.create(
        rectification=step.obj,
        at=clock.now(),
        actor=step.actor,
        action=step.transition.action,
        label=step.transition.label,
        from_state=step.before,
        to_state=step.obj.state,
        note=str(step.payload.get("note") or "")[:2000],
    )


RECTIFICATIONS = Machine(
    name="rectification",
    model=Rectification,
    transitions=TRANSITIONS,
    role_names={
        "officer": gettext_lazy("被评价部门的工作人员"),
        "supervisor": gettext_lazy("督查领导或系统管理员"),
    },
    may=_may,
    visible=_visible,
    write_event=_write_event,
    summary=lambda rect: {"rating": rect.rating_id},
    select_related=("rating",),
    revision_field="revision",
    not_found="未找到该差评整改，或您无权查看",
    stale="该差评已被他人处理，请刷新后再操作",
    wrong_state="该差评当前为「{state}」，不能「{action}」",
)


def rectification_act(
    *, actor, pk: int, action: str, note: str = "", revision: int | None = None
) -> Rectification:
    return RECTIFICATIONS.run(actor=actor, action=action, pk=pk, payload={"note": note}, revision=revision)
