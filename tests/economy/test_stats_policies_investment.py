"""The read contracts of policies (funds disbursed, from the ledger) and investment (projects signed and
their amount), against hand-computed figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gaoxin.core.errors import PermissionDenied
from gaoxin.investment.models import Project
from gaoxin.investment.selectors import investment_stats
from gaoxin.policies.models import Award, Budget, LedgerEntry
from gaoxin.policies.selectors import policies_stats
from tests.factories import department, staff_user
from tests.investment.builders import bureau
from tests.policies import factories as f
from tests.policies.conftest import finance, hte_firm, officer, policy, rd_clause  # noqa: F401

pytestmark = pytest.mark.django_db


def _at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(11)))


def test_policies_stats_net_of_clawbacks_in_the_period(officer, finance, rd_clause, hte_firm):  # noqa: F811
    other = f.enterprise("另一家科技有限公司")
    budget = Budget.objects.get(clause=rd_clause)
    a1 = Award.objects.create(
        clause=rd_clause, enterprise=hte_firm, period=2026, amount=Decimal("150000"), state="paid"
    )
    a2 = Award.objects.create(
        clause=rd_clause, enterprise=other, period=2026, amount=Decimal("80000"), state="paid"
    )
    entry = LedgerEntry.objects.create
    entry(budget=budget, award=a1, kind="reserve", amount=Decimal("150000"), at=_at(dt.date(2026, 3, 1)))
    entry(budget=budget, award=a1, kind="pay", amount=Decimal("150000"), at=_at(dt.date(2026, 3, 10)))
    entry(budget=budget, award=a2, kind="pay", amount=Decimal("80000"), at=_at(dt.date(2026, 5, 2)))
    entry(budget=budget, award=a1, kind="clawback", amount=Decimal("30000"), at=_at(dt.date(2026, 6, 1)))
    a3 = Award.objects.create(
        clause=rd_clause, enterprise=other, period=2027, amount=Decimal("1"), state="paid"
    )
    entry(budget=budget, award=a3, kind="pay", amount=Decimal("1"), at=_at(dt.date(2027, 1, 1)))  # next year
    march = policies_stats(user=finance, period=(2026, 3))["total"]
    assert march == {"paid": Decimal("150000"), "clawed_back": 0, "net": Decimal("150000"), "enterprises": 1}
    year = policies_stats(user=officer, period=(2026, None), by="clause")
    assert year["total"] == {
        "paid": Decimal("230000"),
        "clawed_back": Decimal("30000"),
        "net": Decimal("200000"),
        "enterprises": 2,
    }
    assert [r["name"] for r in year["rows"]] == ["研发投入奖励"]


def test_policies_stats_refuse_staff_without_funds_access(db):
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    with pytest.raises(PermissionDenied):
        policies_stats(user=clerk, period=(2026, None))


def _project(n, by, **kw):
    return Project.objects.create(
        code=f"ZS2020{n:04d}",
        name=f"项目{n}",
        company=f"公司{n}",
        source=kw.pop("source", "business"),
        officer=by,
        department=by.department,
        created_on=dt.date(2020, 1, 2),
        intended_investment=Decimal("1000"),
        **kw,
    )


def test_investment_stats_count_confirmed_signings_in_the_period(db):
    investor, _ = bureau()
    _project(1, investor, stage="signed", signed_on=dt.date(2020, 3, 5), signed_amount=Decimal("50000"))
    _project(
        2,
        investor,
        stage="started",
        signed_on=dt.date(2020, 8, 1),
        signed_amount=Decimal("12000.50"),
        source="fair",
    )
    _project(
        3,
        investor,
        stage="signed",
        signed_on=dt.date(2020, 9, 1),
        signed_amount=Decimal("9"),
        pending_review=True,
    )  # awaiting the bureau's review
    _project(4, investor, stage="signed", signed_on=dt.date(2019, 12, 31), signed_amount=Decimal("7"))
    _project(5, investor, stage="talks")
    assert investment_stats(user=investor, period=(2020, 6))["total"] == {
        "signed": 1,
        "amount": Decimal("50000"),
    }
    year = investment_stats(user=investor, period=(2020, None), by="source")
    assert year["total"] == {"signed": 2, "amount": Decimal("62000.50")}
    assert {r["name"]: r["signed"] for r in year["rows"]} == {"以商招商": 1, "展会": 1}
    # the statistics office publishes the zone's total, amount included; an outsider gets no amount
    from tests.factories import department, staff_user

    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    assert investment_stats(user=stat, period=(2020, None))["total"] == year["total"]
    clerk = staff_user("clerk_x", department("zwzx", "政务服务中心"), ["window_clerk"])
    assert investment_stats(user=clerk, period=(2020, None))["total"]["amount"] is None
