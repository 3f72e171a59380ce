"""Monthly statistics on a partly reported month: each enterprise's own month, like-with-like 同比/环比,
and the reporting rate beside every total."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.core.identifiers import make_uscc
from gaoxin.enterprises.selectors.reporting import totals
from tests.enterprises.factories import enterprise, report
from tests.factories import department, staff_user

pytestmark = pytest.mark.django_db
WAN = Decimal(10000)


@pytest.fixture
def stat(db):
    return staff_user("stat", department("stats", "统计局"), ["statistician"])


def _company(n: int):
    return enterprise(make_uscc("91450200", f"MA{n:06d}"), f"企业{n}", above_scale=True)


def _partly_reported_february():
    a, b, c = _company(1), _company(2), _company(3)
    for e, jan in ((a, 100), (b, 100), (c, 1000)):
        report(e, 2025, 1, revenue=jan * WAN)
    # February: the big enterprise C has not reported yet
    report(a, 2025, 2, revenue=250 * WAN)
    report(b, 2025, 2, revenue=200 * WAN)
    # last February only A and C reported
    report(a, 2024, 2, revenue=150 * WAN)
    report(c, 2024, 2, revenue=5000 * WAN)


def test_partly_reported_month_is_derived_per_enterprise_and_compared_like_with_like(stat):
    _partly_reported_february()
    data = totals(user=stat, year=2025, month=2)
    for row in (data["rows"][0], data["zone"]):
        assert row["revenue"] == 450 * WAN  # 1–2月累计 of the two that reported
        # 本月: (250 − 100) + (200 − 100), not 450 − 1200 (which mixed in C's January)
        assert row["month"]["revenue"] == 250 * WAN
        assert row["month_reports"] == 2
        # 同比 over A only, the one enterprise in both Februaries: 250 against 150
        assert row["comparable"] == 1
        assert row["last_year"]["revenue"] == 150 * WAN
        assert row["growth"]["revenue"] == 66.7
        # 环比 on the same two enterprises: 250 against January's 200
        assert row["month_comparable"] == 2
        assert row["month_growth"]["revenue"] == 25.0
        # the reporting rate stands beside the total: 2 of 3 expected
        assert (row["received"], row["expected"], row["rate"]) == (2, 3, 66.7)


def test_statistics_page_and_api_show_the_rate_and_the_comparable_basis(stat):
    _partly_reported_february()
    c = Client()
    c.force_login(stat)
    page = c.get("/enterprises/statistics/?year=2025&month=2").content.decode()
    assert "2/3" in page and "66.7%" in page and "可比口径" in page
    assert "-" not in page.split('id="totals"')[1].split("</table>")[0].replace("—", "")
    r = c.get("/api/v1/statistics/totals?year=2025&month=2&by=industry")
    assert r.status_code == 200
    row = r.json()["rows"][0]
    assert Decimal(row["month"]["revenue"]) == 250 * WAN
    assert row["rate"] == 66.7


MONTHS = st.lists(st.integers(0, 300), min_size=3, max_size=3)  # own monthly revenue in 万元, Jan–Mar
REPORTED = st.lists(st.booleans(), min_size=3, max_size=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(MONTHS, REPORTED), min_size=1, max_size=5))
def test_month_total_is_the_sum_of_own_months_whatever_is_missing(stat, companies):
    """With no enterprise's cumulative figures ever falling, no 本月 is negative, however the months
    are reported; and 本月 is the sum of own months of those that reported both months."""
    with transaction.atomic():
        expected = Decimal(0)
        for n, (own, reported) in enumerate(companies, start=1):
            e = _company(n)
            cumulative = Decimal(0)
            for m, (value, sent) in enumerate(zip(own, reported, strict=True), start=1):
                cumulative += value * WAN
                if sent:
                    report(e, 2025, m, revenue=cumulative)
            if reported[2] and reported[1]:
                expected += own[2] * WAN
        zone = totals(user=stat, year=2025, month=3)["zone"]
        assert zone["month"].get("revenue", Decimal(0)) == expected
        assert all(r["month"].get("revenue", 0) >= 0 for r in totals(user=stat, year=2025, month=3)["rows"])
        transaction.set_rollback(True)
