"""Reads of the economy pillar: the indicator catalogue, snapshots, and a year's review figures."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from gaoxin.accounts.permissions import has_role, is_system_admin
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.errors import DomainError, NotFound

from .models import Indicator, Snapshot
from .services.catalogue import indicator_value


def can_view_economy(user) -> bool:
    """The zone's figures: leaders, the statistics office and administrators."""
    return bool(has_role(user, Role.LEADER) or has_role(user, Role.STATISTICIAN) or is_system_admin(user))


def _require(user) -> None:
    if not can_view_economy(user):
        raise NotFound("未找到该页面")


def indicator_list(*, user) -> QuerySet[Indicator]:
    _require(user)
    return Indicator.objects.filter(current=True).prefetch_related("targets").order_by("code")


def snapshot_list(*, user, code: str = "") -> QuerySet[Snapshot]:
    _require(user)
    qs = Snapshot.objects.select_related("indicator").order_by("indicator__code", "year", "month", "revision")
    return qs.filter(indicator__code=code) if code else qs


def display(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value:,f}" if abs(value) >= 10000 else f"{value:f}"
    return f"{text}{unit}"


def review_figures(*, user, year: int) -> dict:
    """One figure per current yearly-or-monthly indicator for the year: its latest yearly snapshot when
    one was taken (with that snapshot's as-of date), otherwise computed now from the records. A figure
    the user may not see (e.g. policy funds without the right) is left out."""
    _require(user)
    cache: dict = {}
    figures = []
    for ind in Indicator.objects.filter(current=True).order_by("code"):
        snap = Snapshot.objects.filter(indicator=ind, year=year, month=0).order_by("-revision").first()
        if snap is not None:
            value, as_of = snap.value, snap.as_of
            if value is not None:
                value = value.quantize(Decimal(1).scaleb(-ind.decimals))
        else:
            try:
                value = indicator_value(ind, user=user, period=(year, None), cache=cache)["value"]
            except DomainError:
                continue
            as_of = clock.today()
        figures.append(
            {
                "indicator": ind.code,
                "name": ind.name,
                "value": value,
                "unit": ind.unit,
                "display": display(value, ind.unit),
                "as_of": as_of,
            }
        )
    return {"year": year, "figures": figures}


def cockpit(*, user, year: int, years: int = 5) -> dict:
    """The leaders' cockpit: each current indicator's value for the year against its target, rated by
    its thresholds, and its values over the last `years` years for the trend chart."""
    from .services.catalogue import rating

    _require(user)
    cache: dict = {}
    rows = []
    span = list(range(year - years + 1, year + 1))
    for ind in Indicator.objects.filter(current=True).prefetch_related("targets").order_by("code"):
        try:
            trend = [indicator_value(ind, user=user, period=(y, None), cache=cache)["value"] for y in span]
        except DomainError:
            continue
        value = trend[-1]
        target = next((t.value for t in ind.targets.all() if t.year == year), None)
        done = (value * 100 / target).quantize(Decimal("0.1")) if value is not None and target else None
        rows.append(
            {
                "code": ind.code,
                "name": ind.name,
                "unit": ind.unit,
                "value": value,
                "display": display(value, ind.unit),
                "target": target,
                "completion": done,
                "rating": rating(ind, value, target),
                "trend": [None if v is None else float(v) for v in trend],
            }
        )
    return {"year": year, "years": span, "rows": rows}
