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
