"""The yearly classification refresh depends on the reports only: idempotent and order-independent."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.core.identifiers import make_uscc
from gaoxin.enterprises.models import ClassificationEvent, Enterprise
from gaoxin.enterprises.services.registry import classifications_refresh
from tests.enterprises.factories import enterprise, report
from tests.factories import department, staff_user

pytestmark = pytest.mark.django_db

YEARS = [2019, 2020, 2021, 2022]
WAN = Decimal(10000)


@pytest.fixture
def stat(db):
    return staff_user("stat", department("stats", "统计局"), ["statistician"])


def _state():
    classes = sorted(
        Enterprise.objects.values_list("uscc", "above_scale", "scale_kind", "size", "classified_year")
    )
    events = sorted(
        ClassificationEvent.objects.values_list(
            "enterprise__uscc", "year", "kind", "scale_kind", "before", "after"
        )
    )
    return classes, events


def test_refreshing_a_year_twice_keeps_above_scale_and_makes_no_false_exits(stat):
    """Issue 9 #12: a second refresh of 2020 created false 2020 exits and dropped current above-scale."""
    always = enterprise(make_uscc("91450200", "MA000001"), "甲公司", size="medium", above_scale=True)
    newcomer = enterprise(make_uscc("91450200", "MA000002"), "乙公司", size="small", above_scale=False)
    for year in (2019, 2020, 2021):
        report(always, year, 12, revenue=Decimal(90_000_000), employees=400)
    report(newcomer, 2019, 12, revenue=Decimal(15_000_000), employees=80)
    report(newcomer, 2020, 12, revenue=Decimal(25_000_000), employees=80)
    report(newcomer, 2021, 12, revenue=Decimal(26_000_000), employees=80)

    for year in (2019, 2020, 2021):
        classifications_refresh(actor=stat, year=year)
    once = _state()
    assert Enterprise.objects.filter(above_scale=True).count() == 2
    assert [(e[1], e[2]) for e in once[1] if e[0] == newcomer.uscc] == [(2020, "above_in")]

    classifications_refresh(actor=stat, year=2020)
    classifications_refresh(actor=stat, year=2020)
    assert _state() == once
    # refreshing an earlier year afterwards neither doubles the newcomers nor moves the current classes
    classifications_refresh(actor=stat, year=2019)
    classifications_refresh(actor=stat, year=2021)
    assert _state() == once
    assert ClassificationEvent.objects.filter(kind="above_out").count() == 0


def test_refreshing_years_backwards_gives_the_events_of_refreshing_them_forwards(stat):
    e = enterprise(size="small", above_scale=False)
    report(e, 2020, 12, revenue=Decimal(25_000_000), employees=80)
    report(e, 2021, 12, revenue=Decimal(5_000_000), employees=80)
    classifications_refresh(actor=stat, year=2021)
    classifications_refresh(actor=stat, year=2020)
    e.refresh_from_db()
    assert (e.above_scale, e.classified_year) == (False, 2021)
    kinds = sorted(ClassificationEvent.objects.values_list("year", "kind"))
    assert kinds == [(2020, "above_in"), (2021, "above_out")]


GBT = st.sampled_from(["C36", "F52", "L72", "E47", "I65", "K7010", "Q84"])
REVENUE = st.sampled_from([Decimal(0), 300 * WAN - 1, 2000 * WAN, 5000 * WAN, 40000 * WAN])
STAFF = st.sampled_from([4, 20, 100, 300, 1000])
ASSETS = st.sampled_from([None, 100 * WAN, 8000 * WAN, 120000 * WAN])
YEAR_FIGURES = st.one_of(st.none(), st.tuples(REVENUE, STAFF, ASSETS, st.sampled_from([0, 12])))
ENTERPRISE = st.tuples(
    GBT,
    st.booleans(),
    st.sampled_from(["large", "medium", "small", "micro"]),
    st.lists(YEAR_FIGURES, min_size=len(YEARS), max_size=len(YEARS)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(ENTERPRISE, min_size=1, max_size=4),
    st.lists(st.sampled_from(YEARS), min_size=1, max_size=7),
)
def test_any_sequence_of_refreshes_equals_one_refresh_per_year_in_order(stat, enterprises, sequence):
    def run(years):
        with transaction.atomic():
            for n, (code, above, size, figures) in enumerate(enterprises, start=1):
                e = enterprise(
                    make_uscc("91450200", f"MA{n:06d}"),
                    f"企业{n}",
                    gbt_code=code,
                    above_scale=above,
                    size=size,
                )
                for year, f in zip(YEARS, figures, strict=True):
                    if f is not None:
                        revenue, staff, assets, month = f
                        report(e, year, month, revenue=revenue, employees=staff, assets=assets)
            for year in years:
                classifications_refresh(actor=None, year=year)
            result = _state()
            transaction.set_rollback(True)
        return result

    assert run(sequence) == run(sorted(set(sequence)))


def test_refreshing_the_demo_zone_changes_nothing():
    """The demo builds its classes year by year from its reports; refreshing any year again, twice or
    out of order, gives the same classes and events (issue 9: 288 above-scale dropped to 241)."""
    from gaoxin.demo import generator

    generator.build(seed=2020, count=400, log=lambda m: None)
    before = _state()
    years = sorted({y for _, y, *_ in before[1]})
    assert Enterprise.objects.filter(above_scale=True).exists() and years
    for year in [2020, 2020, *reversed(years)]:
        classifications_refresh(actor=None, year=year)
    assert _state() == before
