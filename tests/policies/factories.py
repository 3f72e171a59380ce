"""Builders of enterprises with the facts rules read: qualifications, reports, IP."""

import datetime as dt
import itertools
from decimal import Decimal

from gaoxin.core.identifiers import make_uscc
from gaoxin.enterprises.models import (
    Enterprise,
    Industry,
    IntellectualProperty,
    Qualification,
    Report,
    ReportForm,
)

_serial = itertools.count(1)
AS_OF = dt.date(2026, 6, 30)


def industry(code: str = "ind1", tier: str = "3") -> Industry:
    return Industry.objects.get_or_create(code=code, defaults={"name": f"产业{code}", "tier": tier})[0]


def form(kind: str) -> ReportForm:
    return ReportForm.objects.get_or_create(
        kind=kind, version=1, defaults={"title": kind, "fields": [], "active_from": dt.date(2015, 1, 1)}
    )[0]


def enterprise(name: str | None = None, **fields) -> Enterprise:
    n = next(_serial)
    fields.setdefault("registered_on", dt.date(2015, 1, 1))
    return Enterprise.objects.create(
        uscc=make_uscc("91450100", f"{n:08d}"),
        name=name or f"测试企业{n}",
        legal_rep="张三",
        **fields,
    )


def qualify(ent: Enterprise, kind: str, *, valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2027, 12, 31)):
    return Qualification.objects.create(
        enterprise=ent,
        kind=kind,
        certificate_no=f"{kind}-{ent.pk}-{next(_serial)}",
        valid_from=valid_from,
        valid_to=valid_to,
    )


def report(ent: Enterprise, year: int, *, month: int = 0, state: str = Report.State.ACCEPTED, **values):
    values = {
        k: (Decimal(v) if k not in ("employees", "rd_staff", "bachelor_staff") else v)
        for k, v in values.items()
        if v is not None
    }
    return Report.objects.create(
        enterprise=ent,
        form=form(ReportForm.Kind.ANNUAL if month == 0 else ReportForm.Kind.MONTHLY),
        year=year,
        month=month,
        state=state,
        due_on=dt.date(year + 1, 3, 31),
        **values,
    )


def ip(ent: Enterprise, year: int, **counts):
    return IntellectualProperty.objects.create(enterprise=ent, year=year, **counts)


def apply_clause(officer, policy, department, **fields):
    """A published 申报 clause approved by `department`: by default one for R&D spenders with two
    required materials; `fields` override any of clause_create's."""
    from gaoxin.policies.services import catalogue

    defaults = {
        "code": "rd-apply",
        "title": "研发投入申报奖励",
        "period": 2026,
        "mode": "apply",
        "rule": "enterprise.hte && data.rd_expense(2025) >= 1000000",
        "formula": "100000",
        "department": department,
        "materials": "项目申报书；研发费用专项审计报告",
    }
    clause = catalogue.clause_create(actor=officer, policy=policy, **{**defaults, **fields})
    return catalogue.clause_check_and_publish(actor=officer, clause=clause)
