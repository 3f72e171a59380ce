"""The facts of enterprises as the Python evaluator sees them, loaded in bulk (a few queries for any
number of enterprises), with the same meaning as the compiler's SQL look-ups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from gaoxin.enterprises.models import Enterprise, IntellectualProperty, Qualification, Report

ANNUAL, DECEMBER = 0, 12


def reported_reports():
    """Reports a rule may read: accepted (locked) annual reports, or December's YTD figures."""
    return Report.objects.filter(state=Report.State.ACCEPTED, month__in=[ANNUAL, DECEMBER])


def valid_qualifications(as_of: dt.date):
    return Qualification.objects.filter(valid_from__lte=as_of).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=as_of)
    )


@dataclass
class Facts:
    enterprise: Enterprise | None
    as_of: dt.date
    qualifications: set[str] = field(default_factory=set)
    ip: dict[int, IntellectualProperty] = field(default_factory=dict)
    reports: dict[int, Report] = field(default_factory=dict)

    def field(self, column: str):
        if column == "registered_on__year":
            return Decimal(self.enterprise.registered_on.year) if self.enterprise else None
        obj = self.enterprise
        for part in column.split("__"):
            obj = getattr(obj, part, None) if obj is not None else None
        if isinstance(obj, int) and not isinstance(obj, bool):
            return Decimal(obj)
        return obj

    def data(self, column: str, year: int):
        report = self.reports.get(year)
        return _number(getattr(report, column, None) if report else None)

    def ip_count(self, column: str, year: int):
        row = self.ip.get(year)
        return _number(getattr(row, column, None) if row else None)

    def person(self, column: str, year: int | None):
        return None  # an enterprise has no person facts (the type check keeps person.* off its clauses)


@dataclass
class PersonFacts(Facts):
    """A certified talent as a person rule sees them: their own values (`person.*`, some by year) and
    their current employer's facts (`enterprise.*` …; all unknown when they have no employer)."""

    id_card: str = ""
    name: str = ""
    values: dict[str, object] = field(default_factory=dict)
    by_year: dict[tuple[str, int], object] = field(default_factory=dict)

    def person(self, column: str, year: int | None):
        v = self.by_year.get((column, year)) if year is not None else self.values.get(column)
        if isinstance(v, int) and not isinstance(v, bool):
            return Decimal(v)
        return v


def _number(value):
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(value)


def load_facts(enterprises, as_of: dt.date) -> dict[int, Facts]:
    enterprises = list(enterprises)
    ids = [e.pk for e in enterprises]
    out = {e.pk: Facts(e, as_of) for e in enterprises}
    for ent_id, kind in (
        valid_qualifications(as_of).filter(enterprise_id__in=ids).values_list("enterprise_id", "kind")
    ):
        out[ent_id].qualifications.add(kind)
    for row in IntellectualProperty.objects.filter(enterprise_id__in=ids):
        out[row.enterprise_id].ip[row.year] = row
    # annual (month 0) wins over December: iterate December first, then let annual overwrite
    for row in reported_reports().filter(enterprise_id__in=ids).order_by("-month"):
        out[row.enterprise_id].reports[row.year] = row
    return out


def facts_for(enterprise: Enterprise, as_of: dt.date) -> Facts:
    return load_facts([enterprise], as_of)[enterprise.pk]


def enterprises_with_facts():
    return Enterprise.objects.select_related("industry", "park")
