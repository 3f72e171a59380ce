"""Snapshots of indicator values: taken for a period, revised (never overwritten) when a recomputation
differs from what was published."""

from __future__ import annotations

from django.db import transaction

from gaoxin.core import audit, clock
from gaoxin.core.errors import PermissionDenied

from ..models import Indicator, Snapshot
from .catalogue import can_edit_catalogue, indicator_value


def latest(indicator: Indicator, year: int, month: int) -> Snapshot | None:
    return Snapshot.objects.filter(indicator=indicator, year=year, month=month).order_by("-revision").first()


@transaction.atomic
def snapshot_take(
    *, actor, indicator: Indicator, year: int, month: int = 0, cache: dict | None = None
) -> Snapshot:
    """The period's snapshot: the first one, or the latest one when the value is unchanged, or a new
    revision holding the previous value when it changed. Month 0 is the whole year."""
    if not can_edit_catalogue(actor):
        raise PermissionDenied("只有统计部门可以生成指标快照")
    Indicator.objects.select_for_update().filter(pk=indicator.pk).first()  # one recomputation at a time
    computed = indicator_value(indicator, user=actor, period=(year, month or None), cache=cache)
    held = latest(indicator, year, month)
    if held is not None and held.value == computed["value"]:
        return held
    snap = Snapshot.objects.create(
        indicator=indicator,
        year=year,
        month=month,
        revision=1 if held is None else held.revision + 1,
        value=computed["value"],
        inputs=computed["inputs"],
        previous=None if held is None else held.value,
        as_of=clock.today(),
        computed_at=clock.now(),
    )
    if held is not None:
        audit.record(
            actor=actor,
            action="snapshot_revise",
            obj=snap,
            summary={"code": indicator.code, "before": str(held.value), "after": str(snap.value)},
        )
    return snap


def snapshots_take(*, actor, year: int, month: int = 0) -> list[Snapshot]:
    """Every current indicator's snapshot for the period (monthly indicators only for a month)."""
    cache: dict = {}
    qs = Indicator.objects.filter(current=True)
    if month:
        qs = qs.filter(frequency=Indicator.Frequency.MONTHLY)
    return [snapshot_take(actor=actor, indicator=i, year=year, month=month, cache=cache) for i in qs]
