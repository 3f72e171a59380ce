"""电子监察: the rules that raise a yellow or red card, raising them once per cause, and resolving them.

Cards are computed by `cards_compute()` (the `supervision_cards` command, periodically through the
task backend) and, for the events that cause them, at once (`case_checks` after a case transition,
`card_raise` when a rectification is done late). A card's `cause` is unique, so computing twice, or
on the event and again periodically, never gives a second card for the same cause.

| kind                  | level  | raised when                                                        |
|-----------------------|--------|--------------------------------------------------------------------|
| stage_overdue         | yellow | an open case's active stage is past its due date                   |
| case_overdue          | red    | an open case (clock running) is past its committed due date        |
| refusal_no_basis      | yellow | 不予受理 / 不予许可 without a cited legal basis (《…》 or 第…条)       |
| suspension_undeclared | red    | a case in 特别程序 the item does not declare                         |
| stamped_late          | yellow | the result was issued after the committed due date                 |
| rectification_late    | yellow | a 差评 rectification past its deadline (open, or done late)          |

Yellow cards go to the department head; red ones to the head and the leaders' home page."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gaoxin.accounts.models import User
from gaoxin.accounts.permissions import has_role, is_system_admin
from gaoxin.accounts.roles import Role
from gaoxin.core import audit, clock
from gaoxin.core.errors import ValidationFailed
from gaoxin.core.notify import notify
from gaoxin.core.tasks import Progress, tracked_task
from gaoxin.core.workflow import Machine, Step, Transition

from ..models import Card, Case, CaseStage, Rectification
from .cases import declared_procedures

K, L = Card.Kind, Card.Level
LEVELS = {
    K.STAGE_OVERDUE: L.YELLOW,
    K.CASE_OVERDUE: L.RED,
    K.REFUSAL_NO_BASIS: L.YELLOW,
    K.SUSPENSION_UNDECLARED: L.RED,
    K.STAMPED_LATE: L.YELLOW,
    K.RECTIFICATION_LATE: L.YELLOW,
}
LEGAL_BASIS = re.compile(r"《[^》]+》|第[一二三四五六七八九十百零〇\d]+条")
ISSUING_ACTIONS = ("issue", "accept_instant")


def department_heads(department_id: int):
    return User.objects.filter(
        is_active=True, role_assignments__role=Role.LEADER, role_assignments__department_id=department_id
    ).distinct()


def card_raise(
    *,
    kind: str,
    cause: str,
    department_id: int,
    detail: str,
    case: Case | None = None,
    rectification: Rectification | None = None,
) -> Card | None:
    """Raise the card of `cause` unless it exists; returns the new card, or None when it already did."""
    if Card.objects.filter(cause=cause).exists():
        return None
    level = LEVELS[K(kind)]
    try:
        with transaction.atomic():
            card = Card.objects.create(
                kind=kind,
                level=level,
                cause=cause,
                case=case,
                rectification=rectification,
                department_id=department_id,
                detail=detail[:300],
                raised_on=clock.today(),
                escalated_to="leader" if level == L.RED else "head",
            )
    except IntegrityError:
        return None  # raised by a concurrent computation a moment ago
    audit.record(
        actor=None, action="card.raise", obj=card, summary={"kind": kind, "level": level, "cause": cause}
    )
    url = reverse("govservices:supervision")
    for head in department_heads(department_id):
        notify(
            recipient=head,
            kind="card",
            subject=f"电子监察{card.get_level_display()}：{card.get_kind_display()}",
            body=card.detail,
            url=url,
            obj=card,
        )
    return card


def _refusal_without_basis(case: Case) -> bool:
    return case.state in (Case.State.NOT_ACCEPTED, Case.State.DENIED) and not LEGAL_BASIS.search(case.reason)


def _issued_on(case: Case) -> dt.date | None:
    event = case.events.filter(action__in=ISSUING_ACTIONS).order_by("-at").first()
    return timezone.localdate(event.at) if event else None


def case_checks(case: Case, *, action: str, on: dt.date) -> list[Card]:
    """The cards a case transition causes at once (a refusal, a suspension, a late result)."""
    raised = []
    if action in ("reject", "deny") and _refusal_without_basis(case):
        raised.append(_refusal(case))
    if action == "suspend" and case.procedure not in declared_procedures(case.version):
        raised.append(_undeclared(case))
    if action in ISSUING_ACTIONS and case.due_on and on > case.due_on:
        raised.append(_stamped_late(case, on))
    return [c for c in raised if c]


def _refusal(case: Case) -> Card | None:
    return card_raise(
        kind=K.REFUSAL_NO_BASIS,
        cause=f"refusal:{case.pk}",
        department_id=case.department_id,
        detail=f"办件 {case.number} 「{case.get_state_display()}」未引用法定依据：{case.reason[:120]}",
        case=case,
    )


def _undeclared(case: Case) -> Card | None:
    return card_raise(
        kind=K.SUSPENSION_UNDECLARED,
        cause=f"suspension:{case.pk}:{case.suspended_on}",
        department_id=case.department_id,
        detail=f"办件 {case.number} 以未声明的特别程序「{case.procedure or '—'}」停止计时",
        case=case,
    )


def _stamped_late(case: Case, issued: dt.date) -> Card | None:
    return card_raise(
        kind=K.STAMPED_LATE,
        cause=f"stamped_late:{case.pk}",
        department_id=case.department_id,
        detail=f"办件 {case.number} 于 {issued} 出证，晚于承诺期限 {case.due_on}",
        case=case,
    )


def rectification_late_card(rect: Rectification) -> Card | None:
    rating = rect.rating
    return card_raise(
        kind=K.RECTIFICATION_LATE,
        cause=f"rectification:{rect.pk}",
        department_id=rating.department_id,
        detail=f"差评（{rating.get_level_display()}，{timezone.localdate(rating.at)}）整改期限 {rect.due_on} 已过"
        + ("，逾期办结" if rect.done_on else "，尚未整改"),
        rectification=rect,
    )


def cards_compute(*, on: dt.date | None = None) -> dict:
    """Every rule over the records as they stand; returns how many cards of each kind were new."""
    on = on or clock.today()
    counts: dict[str, int] = {k: 0 for k in K.values}

    def count(card: Card | None) -> None:
        if card is not None:
            counts[card.kind] += 1

    stages = CaseStage.objects.filter(
        state=CaseStage.State.ACTIVE, due_on__lt=on, case__state=Case.State.IN_REVIEW
    ).select_related("case")
    for stage in stages.exclude(case__cards__cause__startswith="stage_overdue:"):
        case = stage.case
        count(
            card_raise(
                kind=K.STAGE_OVERDUE,
                cause=f"stage_overdue:{stage.pk}",
                department_id=case.department_id,
                detail=f"办件 {case.number} 环节「{stage.name}」期限 {stage.due_on} 已过",
                case=case,
            )
        )
    overdue = Case.objects.filter(state__in=Case.OPEN_STATES, due_on__lt=on).exclude(
        state=Case.State.SUSPENDED
    )
    for case in overdue.exclude(cards__kind=K.CASE_OVERDUE):
        count(
            card_raise(
                kind=K.CASE_OVERDUE,
                cause=f"case_overdue:{case.pk}",
                department_id=case.department_id,
                detail=f"办件 {case.number} 承诺期限 {case.due_on} 已过，仍未办结",
                case=case,
            )
        )
    refused = Case.objects.filter(state__in=[Case.State.NOT_ACCEPTED, Case.State.DENIED]).exclude(
        cards__kind=K.REFUSAL_NO_BASIS
    )
    for case in refused:
        if _refusal_without_basis(case):
            count(_refusal(case))
    for case in Case.objects.filter(state=Case.State.SUSPENDED).select_related("version"):
        if case.procedure not in declared_procedures(case.version):
            count(_undeclared(case))
    issued = (
        Case.objects.filter(due_on__isnull=False, events__action__in=ISSUING_ACTIONS)
        .exclude(cards__kind=K.STAMPED_LATE)
        .distinct()
    )
    for case in issued:
        day = _issued_on(case)
        if day and day > case.due_on:
            count(_stamped_late(case, day))
    late = Rectification.objects.filter(state=Rectification.State.OPEN, due_on__lt=on).exclude(
        cards__kind=K.RECTIFICATION_LATE
    )
    for rect in late.select_related("rating"):
        count(rectification_late_card(rect))
    return counts


@tracked_task("电子监察亮牌")
def cards_compute_task(run: Progress) -> dict:
    return cards_compute()


# ---- resolving a card: the card machine ---------------------------------------------------------------


def _resolve(card, user, payload, on):
    note = str(payload.get("resolution") or "").strip()
    if not note:
        raise ValidationFailed("请填写处理情况", fields={"resolution": "必填"})
    card.resolution, card.resolved_by, card.resolved_at = note[:2000], user, clock.now()
    return {"resolution": card.resolution}


def _may(role: str, user, card: Card) -> bool:
    if role == "head":
        return has_role(user, Role.LEADER, department_id=card.department_id)
    if role == "supervisor":
        return is_system_admin(user)
    return False


def _visible(user, card: Card) -> bool:
    return Card.objects.visible_to(user).filter(pk=card.pk).exists()


def _no_event(step: Step) -> None:
    """A card's history is its audit trail (raise, resolve); it has no timeline of its own."""


CARDS = Machine(
    name="card",
    model=Card,
    transitions=[
        Transition(
            "resolve", "处理亮牌", (Card.State.OPEN,), Card.State.RESOLVED, ("head", "supervisor"), _resolve
        )
    ],
    role_names={
        "head": gettext_lazy("责任部门负责人"),
        "supervisor": gettext_lazy("系统管理员"),
    },
    may=_may,
    visible=_visible,
    write_event=_no_event,
    summary=lambda card: {"cause": card.cause},
    revision_field="revision",
    not_found="未找到该亮牌，或您无权查看",
    stale="该亮牌已被他人处理，请刷新后再操作",
    wrong_state="该亮牌当前为「{state}」，不能「{action}」",
)


def card_resolve(*, actor, pk: int, resolution: str, revision: int | None = None) -> Card:
    return CARDS.run(
        actor=actor, action="resolve", pk=pk, payload={"resolution": resolution}, revision=revision
    )
