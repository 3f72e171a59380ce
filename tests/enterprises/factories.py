"""Builders of registry rows and reports for tests."""

import datetime as dt
from decimal import Decimal

from gaoxin.core.identifiers import make_uscc
from gaoxin.enterprises.models import Enterprise, Industry, Park, Report
from gaoxin.enterprises.search import search_fields
from gaoxin.enterprises.services.reporting import report_forms_ensure

USCC = "91350100M000100Y43"


def enterprise(
    uscc: str = USCC, name: str = "示例科技有限公司", *, gbt_code: str = "C36", **kw
) -> Enterprise:
    park, _ = Park.objects.get_or_create(code="hexi", defaults={"name": "河西高新技术产业园"})
    industry, _ = Industry.objects.get_or_create(code="auto", defaults={"name": "汽车", "tier": "1"})
    kw.setdefault("park", park)
    kw.setdefault("industry", industry)
    return Enterprise.objects.create(
        uscc=uscc,
        name=name,
        **search_fields(name, kw.get("former_names", "")),
        legal_rep="王伟",
        registered_on=dt.date(2010, 5, 1),
        gbt_code=gbt_code,
        **kw,
    )


def other_uscc(n: int = 1) -> str:
    return make_uscc("91450200", f"MA{n:06d}")


def report(e: Enterprise, year: int, month: int, *, state: str = Report.State.ACCEPTED, **values) -> Report:
    # Transactional tests flush the forms the migration created; make sure they exist.
    form = report_forms_ensure()["annual" if month == 0 else "monthly"]
    defaults = {
        "revenue": Decimal("1000000"),
        "profit": Decimal("100000"),
        "tax": Decimal("50000"),
        "employees": 50,
    }
    defaults.update(values)
    return Report.objects.create(
        enterprise=e, form=form, year=year, month=month, state=state, due_on=dt.date(year, 12, 31), **defaults
    )
