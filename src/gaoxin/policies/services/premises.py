"""Rent relief on state-owned premises and policy loans (复工贷)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Sum

from gaoxin.core import audit
from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed

from .. import permissions
from ..models import FinancingNeed, Lease, Relief, ReliefScheme

CENT = Decimal("0.01")


def relief_for(scheme: ReliefScheme, lease: Lease) -> tuple[Decimal, Decimal, Decimal]:
    """(months counted, rent relieved, fee relieved) for one lease. 免三减半三: SME and individual
    tenants pay nothing for `waive_months` and then half for `halve_months` (3 + 3); other tenants
    pay half for `halve_months` from the start of the period. Only months the lease covers count."""
    half, full = Decimal("0.5"), Decimal("1")
    if lease.tenant_kind in (Lease.TenantKind.SME, Lease.TenantKind.INDIVIDUAL):
        shares = [full] * scheme.waive_months + [half] * scheme.halve_months
    else:
        shares = [half] * scheme.halve_months
    factor = Decimal("0")
    year, month = scheme.period_from.year, scheme.period_from.month
    for share in shares:
        first = scheme.period_from.replace(year=year, month=month, day=1)
        if lease.start <= first.replace(day=28) and lease.end >= first:
            factor += share
        month += 1
        if month > 12:
            year, month = year + 1, 1
    rent = (lease.monthly_rent * factor).quantize(CENT, ROUND_HALF_UP)
    fee = (
        (lease.monthly_fee * factor).quantize(CENT, ROUND_HALF_UP) if scheme.include_fees else Decimal("0.00")
    )
    return Decimal(factor).quantize(CENT), rent, fee


@transaction.atomic
def relief_compute(*, actor, scheme: ReliefScheme) -> int:
    """Compute (or recompute, while not approved) the relief of every lease."""
    if not permissions.can_manage_policies(actor):
        raise PermissionDenied("只有政策专员可以测算租金减免")
    count = 0
    for lease in Lease.objects.all():
        months, rent, fee = relief_for(scheme, lease)
        if months == 0:
            continue
        relief, created = Relief.objects.get_or_create(
            scheme=scheme, lease=lease, defaults={"months": months, "rent_relief": rent, "fee_relief": fee}
        )
        if not created and relief.state == Relief.State.COMPUTED:
            relief.months, relief.rent_relief, relief.fee_relief = months, rent, fee
            relief.save(update_fields=["months", "rent_relief", "fee_relief"])
        count += 1
    audit.record(actor=actor, action="relief.compute", obj=scheme, summary={"leases": count})
    return count


@transaction.atomic
def relief_approve(*, actor, scheme: ReliefScheme) -> int:
    if not permissions.can_handle_payments(actor) and not permissions.can_manage_policies(actor):
        raise PermissionDenied("您无权批准租金减免")
    n = Relief.objects.filter(scheme=scheme, state=Relief.State.COMPUTED).update(
        state=Relief.State.APPROVED, approved_by=actor
    )
    if not n:
        raise Conflict("没有待批准的减免")
    audit.record(actor=actor, action="relief.approve", obj=scheme, summary={"approved": n})
    return n


def relief_totals(scheme: ReliefScheme) -> dict:
    agg = Relief.objects.filter(scheme=scheme).aggregate(
        leases=Count("id"), rent=Sum("rent_relief"), fee=Sum("fee_relief")
    )
    by_kind = (
        Relief.objects.filter(scheme=scheme)
        .values("lease__tenant_kind")
        .annotate(leases=Count("id"), rent=Sum("rent_relief"), fee=Sum("fee_relief"))
        .order_by("lease__tenant_kind")
    )
    labels = dict(Lease.TenantKind.choices)
    return {
        "leases": agg["leases"],
        "rent": agg["rent"] or Decimal("0"),
        "fee": agg["fee"] or Decimal("0"),
        "by_kind": [{**row, "label": labels[row["lease__tenant_kind"]]} for row in by_kind],
    }


@transaction.atomic
def financing_recommend(
    *, actor, policy, enterprise, bank: str, requested: Decimal, recommended: Decimal, purpose: str = ""
) -> FinancingNeed:
    if not permissions.can_manage_policies(actor):
        raise PermissionDenied("只有政策专员可以向银行推荐融资需求")
    if requested <= 0 or recommended <= 0 or recommended > requested:
        raise ValidationFailed("推荐金额应大于 0 且不超过需求金额", fields={"recommended": "不超过需求金额"})
    need = FinancingNeed.objects.create(
        policy=policy,
        enterprise=enterprise,
        bank=bank.strip(),
        requested=requested,
        recommended=recommended,
        purpose=purpose,
    )
    audit.record(
        actor=actor, action="loan.recommend", obj=need, summary={"bank": bank, "amount": str(recommended)}
    )
    return need


@transaction.atomic
def financing_update(
    *,
    actor,
    need: FinancingNeed,
    approved: Decimal | None = None,
    granted: Decimal | None = None,
    granted_on=None,
    declined: bool = False,
) -> FinancingNeed:
    """Record the bank's answer: approved amount, then the amount granted."""
    if not permissions.can_manage_policies(actor):
        raise PermissionDenied("只有政策专员可以登记银行审批和放款")
    need = FinancingNeed.objects.select_for_update().get(pk=need.pk)
    S = FinancingNeed.State
    if declined:
        if need.state != S.RECOMMENDED:
            raise Conflict("只有已推荐的需求可以登记为未通过")
        need.state = S.DECLINED
    elif approved is not None:
        if need.state != S.RECOMMENDED:
            raise Conflict("该需求已审批")
        if not 0 < approved <= need.recommended:
            raise ValidationFailed("审批金额应大于 0 且不超过推荐金额", fields={"approved": "不超过推荐金额"})
        need.approved, need.state = approved, S.APPROVED
    elif granted is not None:
        if need.state != S.APPROVED:
            raise Conflict("银行审批后才能登记放款")
        if not 0 < granted <= need.approved:
            raise ValidationFailed("放款金额应大于 0 且不超过审批金额", fields={"granted": "不超过审批金额"})
        if granted_on is None:
            raise ValidationFailed("请填写放款日期", fields={"granted_on": "必填"})
        need.granted, need.granted_on, need.state = granted, granted_on, S.GRANTED
    else:
        raise ValidationFailed("没有要登记的内容")
    need.save()
    audit.record(actor=actor, action="loan.update", obj=need, summary={"state": need.state})
    return need


def loan_totals(policy=None) -> dict:
    qs = FinancingNeed.objects.all() if policy is None else FinancingNeed.objects.filter(policy=policy)
    agg = qs.aggregate(
        n=Count("id"), recommended=Sum("recommended"), approved=Sum("approved"), granted=Sum("granted")
    )
    by_bank = (
        qs.values("bank")
        .annotate(
            n=Count("id"), recommended=Sum("recommended"), approved=Sum("approved"), granted=Sum("granted")
        )
        .order_by("-granted", "bank")
    )
    return {
        **{k: v or Decimal("0") for k, v in agg.items() if k != "n"},
        "n": agg["n"],
        "by_bank": list(by_bank),
    }
