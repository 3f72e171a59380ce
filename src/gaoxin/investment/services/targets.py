"""Yearly targets of investment promotion (签约项目数, 签约金额, 到位资金)."""

from decimal import Decimal

from django.db import transaction

from gaoxin.core import audit
from gaoxin.core.errors import PermissionDenied

from .. import permissions
from ..models import KpiTarget


@transaction.atomic
def target_set(*, actor, year: int, metric: str, value: Decimal) -> KpiTarget:
    if not permissions.can_manage(actor):
        raise PermissionDenied("只有投资促进局可以设置招商目标")
    target, _ = KpiTarget.objects.update_or_create(year=year, metric=metric, defaults={"value": value})
    audit.record(
        actor=actor,
        action="investment_target.set",
        obj=target,
        summary={"metric": metric, "value": str(value)},
    )
    return target
