"""Every read of the policies pillar that leaves the app, scoped to the user."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from gaoxin.core.errors import NotFound, PermissionDenied
from gaoxin.enterprises.models import Enterprise

from . import permissions
from .models import (
    Award,
    Budget,
    Clause,
    FinancingNeed,
    LedgerEntry,
    Notification,
    PaymentBatch,
    Policy,
    ReliefScheme,
)


def policy_list(*, user, q: str = "") -> QuerySet[Policy]:
    qs = Policy.objects.annotate(clause_count=Count("clauses"))
    if not permissions.can_manage_policies(user):
        qs = qs.filter(status=Policy.Status.PUBLISHED)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(doc_no__icontains=q) | Q(tags__icontains=q))
    return qs


def policy_get(*, user, pk: int) -> Policy:
    policy = policy_list(user=user).filter(pk=pk).first()
    if policy is None:
        raise NotFound("政策不存在")
    return policy


def clause_list(*, user, policy: Policy | None = None) -> QuerySet[Clause]:
    qs = Clause.objects.select_related("policy", "department")
    if not (permissions.can_manage_policies(user) or permissions.can_view_funds(user)):
        # enterprises and other staff see published clauses of published policies only; whoever sees
        # the funds sees every clause money was budgeted or paid for, also one withdrawn since
        qs = qs.filter(policy__status=Policy.Status.PUBLISHED, state=Clause.State.PUBLISHED)
    return qs.filter(policy=policy) if policy else qs


def clause_get(*, user, pk: int) -> Clause:
    clause = clause_list(user=user).filter(pk=pk).first()
    if clause is None:
        raise NotFound("兑现事项不存在")
    return clause


def enterprise_of(user) -> Enterprise:
    if not permissions.can_see_own_enterprise(user):
        raise PermissionDenied("仅企业用户可以查看")
    ent = Enterprise.objects.visible_to(user).select_related("industry", "park").first()
    if ent is None:
        raise NotFound("未找到贵企业的登记信息")
    return ent


def award_list(
    *, user, state: str = "", clause_id: int | None = None, person_id_card: str = ""
) -> QuerySet[Award]:
    qs = Award.objects.visible_to(user).select_related("clause__policy", "enterprise")
    if person_id_card:  # one talent's subsidies (the talent pillar's page)
        qs = qs.filter(person_id_card=person_id_card)
    if state:
        qs = qs.filter(state=state)
    if clause_id:
        qs = qs.filter(clause_id=clause_id)
    return qs


def award_get(*, user, pk: int) -> Award:
    award = award_list(user=user).filter(pk=pk).first()
    if award is None:
        raise NotFound("兑现记录不存在")
    return award


def _require_funds(user):
    if not permissions.can_view_funds(user):
        raise PermissionDenied("您无权查看资金信息")


def batch_list(*, user) -> QuerySet[PaymentBatch]:
    _require_funds(user)
    return PaymentBatch.objects.visible_to(user).annotate(n=Count("items"), total=Sum("items__amount"))


def batch_get(*, user, pk: int) -> PaymentBatch:
    batch = batch_list(user=user).filter(pk=pk).first()
    if batch is None:
        raise NotFound("拨付批次不存在")
    return batch


def budget_list(*, user, year: int | None = None) -> QuerySet[Budget]:
    _require_funds(user)
    qs = Budget.objects.select_related("clause__policy")
    return qs.filter(year=year) if year else qs


def budget_years(*, user) -> list[int]:
    """The years that have a budget, newest first (the funds page's year choices)."""
    return list(budget_list(user=user).order_by("-year").values_list("year", flat=True).distinct())


def ledger_list(*, user, budget_id: int | None = None) -> QuerySet[LedgerEntry]:
    _require_funds(user)
    qs = (
        LedgerEntry.objects.visible_to(user)
        .select_related("budget__clause", "award__enterprise", "actor")
        .order_by("-at", "-id")
    )
    return qs.filter(budget_id=budget_id) if budget_id else qs


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.visible_to(user).select_related("clause")


def scheme_list(*, user) -> QuerySet[ReliefScheme]:
    _require_funds(user)
    return ReliefScheme.objects.select_related("policy")


def scheme_get(*, user, pk: int) -> ReliefScheme:
    scheme = scheme_list(user=user).filter(pk=pk).first()
    if scheme is None:
        raise NotFound("减免方案不存在")
    return scheme


def loan_list(*, user) -> QuerySet[FinancingNeed]:
    if not (permissions.can_view_funds(user) or permissions.can_see_own_enterprise(user)):
        raise PermissionDenied("您无权查看政策贷款")
    return FinancingNeed.objects.visible_to(user).select_related("enterprise", "policy")


def award_count(*, user, state: str) -> int:
    return award_list(user=user, state=state).count()


def policies_stats(*, user, period: tuple[int, int | None], by: str = "") -> dict:
    """The read contract for the economy pillar: funds disbursed in a period, from the ledger.

    `period` is (year, month): from 1 January to the end of month M (or of the year when month is None).
    `paid` sums the 拨付 entries booked in it, `clawed_back` the 追回 entries, `net` their difference,
    `enterprises` the enterprises paid. `by` is "" or "clause" (rows per 兑现事项)."""
    import datetime as dt

    from django.utils import timezone

    _require_funds(user)
    year, month = period
    end = (
        dt.date(year, 12, 31)
        if not month
        else dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(1)
    )
    start_at = timezone.make_aware(dt.datetime(year, 1, 1))
    end_at = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(1), dt.time()))
    entries = LedgerEntry.objects.visible_to(user).filter(
        at__gte=start_at, at__lt=end_at, kind__in=[LedgerEntry.Kind.PAY, LedgerEntry.Kind.CLAWBACK]
    )

    def _figures(qs) -> dict:
        sums = qs.aggregate(
            paid=Sum("amount", filter=Q(kind=LedgerEntry.Kind.PAY)),
            clawed_back=Sum("amount", filter=Q(kind=LedgerEntry.Kind.CLAWBACK)),
            enterprises=Count("award__enterprise", distinct=True, filter=Q(kind=LedgerEntry.Kind.PAY)),
        )
        paid = sums["paid"] or Decimal(0)
        back = sums["clawed_back"] or Decimal(0)
        return {"paid": paid, "clawed_back": back, "net": paid - back, "enterprises": sums["enterprises"]}

    rows = []
    if by == "clause":
        names = dict(Clause.objects.filter(pk__in=entries.values("award__clause")).values_list("pk", "title"))
        for pk in sorted(names):
            rows.append({"name": names[pk], **_figures(entries.filter(award__clause_id=pk))})
    return {
        "period": f"{year}-{month:02d}" if month else str(year),
        "by": "clause" if by == "clause" else "",
        "total": _figures(entries),
        "rows": rows,
    }
