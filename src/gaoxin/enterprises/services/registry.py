"""Writes of the registry: enterprises (one by one or from Excel) and the yearly classification refresh."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q

from gaoxin.core import audit, clock
from gaoxin.core.errors import PermissionDenied

from .. import permissions
from ..classification import Classification, classify
from ..models import ANNUAL, ClassificationEvent, Enterprise, Report
from ..search import search_fields

ACCEPTED_OR_SUBMITTED = (Report.State.SUBMITTED, Report.State.ACCEPTED)


class Figures(NamedTuple):
    """One year's figures that classify an enterprise (yuan; employees at year end)."""

    revenue: Decimal
    employees: int
    assets: Decimal | None = None


def _yearly_figures(qs) -> dict[tuple[int, int], Figures]:
    """{(enterprise, year): figures}: the annual report when there is one, else December's."""
    qs = qs.filter(month__in=(ANNUAL, 12), state__in=ACCEPTED_OR_SUBMITTED).filter(
        Q(revenue__isnull=False) & Q(employees__isnull=False)
    )
    out: dict[tuple[int, int], Figures] = {}
    for eid, year, month, revenue, employees, assets in qs.order_by("month").values_list(
        "enterprise_id", "year", "month", "revenue", "employees", "assets"
    ):
        if month == ANNUAL or (eid, year) not in out:
            out[(eid, year)] = Figures(revenue, employees, assets)
    return out


def annual_figures(year: int, enterprise_ids=None) -> dict[int, Figures]:
    """(annual main-business revenue, year-end employees, year-end assets) per enterprise: the annual
    report when there is one, else December's year-to-date monthly report."""
    qs = Report.objects.filter(year=year)
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=list(enterprise_ids))
    return {eid: f for (eid, _), f in _yearly_figures(qs).items()}


def _classify_figures(e: Enterprise, figures) -> Classification:
    f = Figures(*figures)
    return classify(e.gbt_code, employees=f.employees, revenue=f.revenue, assets=f.assets)


@dataclass
class ClassState:
    above_scale: bool
    scale_kind: str
    size: str

    def after(self, c: Classification) -> ClassState:
        # A size the 办法 cannot give for a year (no 资产总额, sector out of scope) keeps the one before.
        return ClassState(c.above_scale, c.scale_kind, c.size or self.size)


def _changes(e: Enterprise, year: int, before: ClassState, c: Classification) -> list[ClassificationEvent]:
    events = []
    if c.above_scale != before.above_scale:
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
                scale_kind=c.scale_kind or before.scale_kind,
                before="above" if before.above_scale else "",
                after="above" if c.above_scale else "",
                rule=c.reasons["above_scale"][:300],
            )
        )
    if c.size and c.size != before.size:
        events.append(
            ClassificationEvent(
                enterprise=e,
                year=year,
                kind=ClassificationEvent.Kind.SIZE_CHANGE,
                before=before.size,
                after=c.size,
                rule=c.reasons["size"][:300],
            )
        )
    return events


def _state_of(e: Enterprise) -> ClassState:
    return ClassState(e.above_scale, e.scale_kind, e.size)


def _keep_baseline(e: Enterprise) -> None:
    """Remember the classes an enterprise had before any refresh: its earliest data year compares with them."""
    if not e.classification_baseline and e.classified_year is None:
        e.classification_baseline = {"above_scale": e.above_scale, "scale_kind": e.scale_kind, "size": e.size}


def classify_year(enterprises: list[Enterprise], year: int, figures: dict[int, tuple]):
    """Apply one year's data to the given enterprises in memory, from the classes they have now;
    returns (changed, events). The demo builds its history with it, year after year."""
    changed, events = [], []
    for e in enterprises:
        if e.id not in figures:
            continue
        _keep_baseline(e)
        c = _classify_figures(e, figures[e.id])
        events += _changes(e, year, _state_of(e), c)
        state = _state_of(e).after(c)
        e.above_scale, e.scale_kind, e.size = state.above_scale, state.scale_kind, state.size
        e.classified_year, e.classification_reasons = year, c.reasons
        changed.append(e)
    return changed, events


CLASS_FIELDS = [
    "above_scale",
    "scale_kind",
    "size",
    "classified_year",
    "classification_reasons",
    "classification_baseline",
]


def _baseline(e: Enterprise, history: dict[int, Figures], events: list[ClassificationEvent]) -> ClassState:
    """The classes before the enterprise's first data year: kept at its first refresh, or, for an
    enterprise classified before the baseline was kept, read back from that year's recorded changes."""
    b = e.classification_baseline
    if b:
        return ClassState(bool(b.get("above_scale")), b.get("scale_kind", ""), b.get("size", e.size))
    if e.classified_year is None or not history:
        return _state_of(e)
    first = min(history)
    c = _classify_figures(e, history[first])
    state = ClassState(c.above_scale, c.scale_kind, c.size or e.size)
    for ev in events:
        if ev.year != first:
            continue
        if ev.kind == ClassificationEvent.Kind.SIZE_CHANGE:
            state.size = ev.before
        else:
            state.above_scale = ev.before == "above"
            state.scale_kind = ev.scale_kind if state.above_scale else ""
    return state


@transaction.atomic
def classifications_refresh(*, actor, year: int) -> dict:
    """Recompute the classes from `year`'s data and record that year's changes.

    A year's changes compare its data with the enterprise's previous data year (or, for its first data
    year, with the classes it was registered with); the current classes follow the latest data year
    refreshed. So a refresh depends only on the reports, never on which refreshes ran before: repeating
    one changes nothing, and refreshing years in any order ends as refreshing them in order."""
    if actor is not None and not permissions.can_edit_registry(actor):
        raise PermissionDenied("只有统计员可以重新计算企业分类")
    figures = annual_figures(year)
    operating = Enterprise.objects.filter(status=Enterprise.Status.OPERATING)
    enterprises = list(operating.filter(id__in=list(figures)).select_for_update())
    ids = [e.id for e in enterprises]
    history: dict[int, dict[int, Figures]] = {}
    for (eid, y), f in _yearly_figures(Report.objects.filter(enterprise_id__in=ids)).items():
        history.setdefault(eid, {})[y] = f
    recorded: dict[int, list[ClassificationEvent]] = {}
    for ev in ClassificationEvent.objects.filter(enterprise_id__in=ids):
        recorded.setdefault(ev.enterprise_id, []).append(ev)
    ClassificationEvent.objects.filter(year=year, enterprise__in=operating).delete()
    events: list[ClassificationEvent] = []
    for e in enterprises:
        own = history.get(e.id, {})
        base = _baseline(e, own, recorded.get(e.id, []))
        e.classification_baseline = {
            "above_scale": base.above_scale,
            "scale_kind": base.scale_kind,
            "size": base.size,
        }
        upto = max(year, e.classified_year or year)
        state, last_year, reasons = base, year, e.classification_reasons
        for y in sorted(own):
            if y > upto:
                break
            c = _classify_figures(e, own[y])
            if y == year:
                events += _changes(e, y, state, c)
            state, last_year, reasons = state.after(c), y, c.reasons
        e.above_scale, e.scale_kind, e.size = state.above_scale, state.scale_kind, state.size
        e.classified_year, e.classification_reasons = last_year, reasons
    Enterprise.objects.bulk_update(enterprises, CLASS_FIELDS, batch_size=500)
    ClassificationEvent.objects.bulk_create(events, batch_size=500)
    summary = {
        "year": year,
        "classified": len(enterprises),
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
