"""Writes of the registry: enterprises (one by one or from Excel) and the yearly classification refresh."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from gaoxin.core import audit, clock
from gaoxin.core.errors import PermissionDenied

from .. import permissions
from ..classification import classify
from ..models import ANNUAL, ClassificationEvent, Enterprise, Report
from ..search import search_fields

ACCEPTED_OR_SUBMITTED = (Report.State.SUBMITTED, Report.State.ACCEPTED)


def annual_figures(year: int, enterprise_ids=None) -> dict[int, tuple[Decimal, int]]:
    """(annual main-business revenue, year-end employees) per enterprise: the annual report when there
    is one, else December's year-to-date monthly report."""
    qs = Report.objects.filter(year=year, month__in=(ANNUAL, 12), state__in=ACCEPTED_OR_SUBMITTED).filter(
        Q(revenue__isnull=False) & Q(employees__isnull=False)
    )
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    figures: dict[int, tuple[Decimal, int]] = {}
    for eid, month, revenue, employees in qs.order_by("month").values_list(
        "enterprise_id", "month", "revenue", "employees"
    ):
        if month == ANNUAL or eid not in figures:
            figures[eid] = (revenue, employees)
    return figures


def classify_year(enterprises: list[Enterprise], year: int, figures: dict[int, tuple[Decimal, int]]):
    """Apply one year's data to the given enterprises in memory; returns (changed, events)."""
    changed, events = [], []
    for e in enterprises:
        if e.id not in figures:
            continue
        revenue, employees = figures[e.id]
        c = classify(e.gbt_code, employees=employees, revenue=revenue)
        if c.above_scale != e.above_scale:
            kind = (
                ClassificationEvent.Kind.ABOVE_SCALE_IN
                if c.above_scale
                else ClassificationEvent.Kind.ABOVE_SCALE_OUT
            )
            events.append(
                ClassificationEvent(
                    enterprise=e,
                    year=year,
                    kind=kind,
                    scale_kind=c.scale_kind or e.scale_kind,
                    before="above" if e.above_scale else "",
                    after="above" if c.above_scale else "",
                    rule=c.reasons["above_scale"][:300],
                )
            )
        if c.size != e.size:
            events.append(
                ClassificationEvent(
                    enterprise=e,
                    year=year,
                    kind=ClassificationEvent.Kind.SIZE_CHANGE,
                    before=e.size,
                    after=c.size,
                    rule=c.reasons["size"][:300],
                )
            )
        e.above_scale, e.scale_kind, e.size = c.above_scale, c.scale_kind, c.size
        e.classified_year, e.classification_reasons = year, c.reasons
        changed.append(e)
    return changed, events


CLASS_FIELDS = ["above_scale", "scale_kind", "size", "classified_year", "classification_reasons"]


@transaction.atomic
def classifications_refresh(*, actor, year: int) -> dict:
    """Recompute every operating enterprise's classes from `year`'s data and record the changes."""
    if actor is not None and not permissions.can_edit_registry(actor):
        raise PermissionDenied("只有统计员可以重新计算企业分类")
    figures = annual_figures(year)
    enterprises = list(Enterprise.objects.filter(id__in=list(figures), status=Enterprise.Status.OPERATING))
    # A repeated refresh of the same year starts from the classes the enterprises had before it.
    earlier = ClassificationEvent.objects.filter(year=year, enterprise__in=enterprises)
    before: dict[int, list[ClassificationEvent]] = {}
    for ev in earlier:
        before.setdefault(ev.enterprise_id, []).append(ev)
    for e in enterprises:
        for ev in before.get(e.id, []):
            if ev.kind == ClassificationEvent.Kind.SIZE_CHANGE:
                e.size = ev.before
            else:
                e.above_scale = ev.before == "above"
    earlier.delete()
    changed, events = classify_year(enterprises, year, figures)
    Enterprise.objects.bulk_update(changed, CLASS_FIELDS, batch_size=500)
    ClassificationEvent.objects.bulk_create(events, batch_size=500)
    summary = {
        "year": year,
        "classified": len(changed),
        "above_in": sum(ev.kind == ClassificationEvent.Kind.ABOVE_SCALE_IN for ev in events),
        "above_out": sum(ev.kind == ClassificationEvent.Kind.ABOVE_SCALE_OUT for ev in events),
    }
    audit.record(
        actor=actor, action="enterprise.classify", object_type="enterprises.enterprise", summary=summary
    )
    return summary


def enterprise_rows_create(*, actor, rows: list[dict]) -> list[Enterprise]:
    """Create enterprises from already validated rows (the Excel import), in one bulk insert."""
    objs = []
    for row in rows:
        objs.append(Enterprise(**search_fields(row["name"], row.get("former_names", "")), **row))
    created = Enterprise.objects.bulk_create(objs, batch_size=500)
    audit.record(
        actor=actor,
        action="enterprise.import",
        object_type="enterprises.enterprise",
        summary={"count": len(created), "at": clock.today().isoformat()},
    )
    return created
