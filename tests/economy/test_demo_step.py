"""The economy demo step over a small world: the catalogue, targets from the records, yearly snapshots."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.demo.economy import build
from gaoxin.economy.models import Indicator, Snapshot
from tests.enterprises.factories import enterprise, other_uscc, report
from tests.factories import department, staff_user

pytestmark = pytest.mark.django_db


def test_demo_step_builds_catalogue_targets_and_snapshots(db):
    staff_user("stats", department("statistics", "统计局"), ["statistician"])
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    report(a, 2019, 0, output_value=Decimal("100000000000"))
    report(a, 2020, 0, output_value=Decimal("110000000000"))
    lines = []
    build({"as_of": dt.date(2021, 6, 1), "log": lines.append})
    out = Indicator.objects.get(code="FZ01", current=True)
    assert out.targets.get(year=2020).value == Decimal("1080.00")  # 1,000 亿元 × 1.08
    assert out.targets.get(year=2021).value == Decimal("1188.00")
    snap = Snapshot.objects.get(indicator=out, year=2020, month=0)
    assert (snap.value, snap.as_of) == (Decimal("1100.00"), dt.date(2021, 1, 20))
    assert lines and "经济运行" in lines[0]


def test_demo_step_writes_the_last_years_narrative_and_generates_both_reviews(db):
    from gaoxin.economy.models import ReviewEdition, ReviewNarrative

    staff_user("stats", department("statistics", "统计局"), ["statistician"])
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    report(a, 2020, 0, output_value=Decimal("110000000000"))
    build({"as_of": dt.date(2021, 6, 1), "log": lambda m: None})
    assert ReviewNarrative.objects.filter(year=2020).count() == 5
    editions = {e.kind: e for e in ReviewEdition.objects.filter(year=2020)}
    assert set(editions) == {"yearly", "decade"}
    fz01 = next(f for f in editions["yearly"].figures if f["indicator"] == "FZ01")
    assert (fz01["value"], fz01["as_of"]) == ("1100.00", "2021-01-20")  # the published snapshot
    assert bytes(editions["decade"].pdf).startswith(b"%PDF")


def test_demo_step_loads_the_evaluation_with_illustrative_peers_and_computes_the_zone_from_records(db):
    from gaoxin.economy.services.evaluation import evaluation_result, system_get

    stats = staff_user("stats", department("statistics", "统计局"), ["statistician"])
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    report(a, 2019, 0, revenue=Decimal("10000000000"), profit=Decimal("500000000"), employees=900)
    report(a, 2020, 0, revenue=Decimal("12000000000"), profit=Decimal("720000000"), employees=1000)
    build({"as_of": dt.date(2021, 6, 1), "log": [].append})
    r = evaluation_result(user=stats, system=system_get(), year=2020)
    assert r["system"] == "MOST-2021" and r["zones"] == 5 and r["illustrative"]
    assert all(z["illustrative"] for z in r["ranking"] if not z["own"])
    by = {i["code"]: i["value"] for i in r["indicators"]}
    assert by["5.1"] == Decimal("20.0000")  # 120 − 100 亿元, from the reports
    assert by["5.2"] == Decimal("6.0000")
    assert by["3.2"] == Decimal("100.0000")
    assert Indicator.objects.filter(code__startswith="YS", current=True).count() == 17
