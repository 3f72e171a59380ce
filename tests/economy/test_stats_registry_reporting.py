"""The read contract of the enterprises pillar: reporting and registry stats against hand-computed figures."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.core.errors import NotFound
from gaoxin.enterprises.models import ClassificationEvent, Industry, Qualification
from gaoxin.enterprises.selectors.registry import registry_stats
from gaoxin.enterprises.selectors.reporting import reporting_stats
from tests.enterprises.factories import enterprise, other_uscc, report
from tests.factories import department, enterprise_user, staff_user

pytestmark = pytest.mark.django_db
WAN = Decimal(10000)


@pytest.fixture
def stat(db):
    return staff_user("stat", department("stats", "统计局"), ["statistician"])


def _three():
    chips, _ = Industry.objects.get_or_create(code="chips", defaults={"name": "电子信息", "tier": "1"})
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    b = enterprise(other_uscc(2), "乙", above_scale=True)
    c = enterprise(other_uscc(3), "丙", industry=chips)
    return a, b, c


def test_reporting_stats_sum_accepted_reports_of_the_month_and_year(stat):
    a, b, c = _three()
    report(
        a, 2020, 6, output_value=300 * WAN, revenue=200 * WAN, tax=10 * WAN, rd_expense=5 * WAN, employees=40
    )
    report(b, 2020, 6, output_value=100 * WAN, revenue=80 * WAN, tax=4 * WAN, rd_expense=None, employees=10)
    report(c, 2020, 6, state="submitted", output_value=999 * WAN)  # not yet accepted: left out
    report(a, 2020, 5, output_value=250 * WAN)  # another month
    six = reporting_stats(user=stat, period=(2020, 6))
    t = six["total"]
    assert t["reports"] == 2
    assert (t["output_value"], t["revenue"], t["tax"]) == (400 * WAN, 280 * WAN, 14 * WAN)
    assert t["rd_expense"] == 5 * WAN  # only A reported it
    assert t["employees"] == 50
    assert six["period"] == "2020-06"
    # the year: A's annual report wins over its December; B has only December; C's annual is accepted
    report(a, 2020, 12, output_value=700 * WAN)
    report(a, 2020, 0, output_value=720 * WAN)
    report(b, 2020, 12, output_value=210 * WAN)
    report(c, 2020, 0, output_value=30 * WAN)
    year = reporting_stats(user=stat, period=(2020, None), by="industry")
    assert year["total"]["reports"] == 3
    assert year["total"]["output_value"] == 960 * WAN
    by = {r["name"]: r["output_value"] for r in year["rows"]}
    assert by == {"汽车": 930 * WAN, "电子信息": 30 * WAN}


def test_reporting_stats_refuse_an_enterprise_user(db):
    a = enterprise(other_uscc(1), "甲")
    user = enterprise_user("ent", a.uscc, a.name)
    with pytest.raises(NotFound):
        reporting_stats(user=user, period=(2020, 6))


def test_registry_stats_count_operating_qualified_on_the_periods_last_day(stat):
    a, b, c = _three()
    enterprise(other_uscc(4), "丁", above_scale=True, status="closed")
    q = Qualification.objects.create
    q(
        enterprise=a,
        kind="hte",
        valid_from=dt.date(2019, 1, 1),
        valid_to=dt.date(2021, 12, 31),
        certificate_no="C1",
    )
    q(enterprise=b, kind="hte", valid_from=dt.date(2020, 7, 1), certificate_no="C2")  # not yet on 30 June
    q(
        enterprise=c,
        kind="tech_sme",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2020, 12, 31),
        certificate_no="C3",
    )
    q(
        enterprise=c,
        kind="gazelle",
        valid_from=dt.date(2018, 1, 1),
        valid_to=dt.date(2019, 12, 31),
        certificate_no="C4",
    )  # expired
    ev = ClassificationEvent.objects.create
    ev(enterprise=b, year=2020, kind="above_in", rule="主营业务收入2000万元以上")
    ev(enterprise=c, year=2019, kind="above_in", rule="主营业务收入2000万元以上")
    june = registry_stats(user=stat, period=(2020, 6))
    t = june["total"]
    assert june["as_of"] == "2020-06-30"
    assert (t["enterprises"], t["above_scale"]) == (3, 2)
    assert (t["hte"], t["tech_sme"], t["gazelle"]) == (1, 1, 0)
    assert t["above_in"] == 1
    year = registry_stats(user=stat, period=(2020, None), by="industry")
    assert year["total"]["hte"] == 2
    rows = {r["name"]: (r["enterprises"], r["hte"], r["tech_sme"]) for r in year["rows"]}
    assert rows == {"汽车": (2, 2, 0), "电子信息": (1, 0, 1)}
