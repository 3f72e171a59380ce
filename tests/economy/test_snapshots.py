"""A published figure never changes silently: a late correction of a report revises the snapshot."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.core import clock
from gaoxin.economy.models import Snapshot
from gaoxin.economy.services.catalogue import indicator_save
from gaoxin.economy.services.snapshots import snapshot_take, snapshots_take
from tests.enterprises.factories import enterprise, other_uscc, report
from tests.factories import department, staff_user

pytestmark = pytest.mark.django_db


def test_a_late_report_correction_creates_a_revision_with_its_difference(db):
    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    b = enterprise(other_uscc(2), "乙", above_scale=True)
    ra = report(a, 2020, 6, output_value=Decimal("300000000"))
    report(b, 2020, 6, output_value=Decimal("65000000"))
    ind = indicator_save(
        actor=stat,
        code="GY01",
        fields={"name": "规上工业总产值", "unit": "亿元", "source": "reporting.output_value", "scale": 10**8},
    )
    with clock.frozen(dt.date(2020, 7, 15)):
        first = snapshot_take(actor=stat, indicator=ind, year=2020, month=6)
    assert (first.revision, first.value, first.inputs, first.as_of) == (
        1,
        Decimal("3.65"),
        2,
        dt.date(2020, 7, 15),
    )
    # recomputed with nothing changed: the same snapshot, no revision
    assert snapshot_take(actor=stat, indicator=ind, year=2020, month=6).pk == first.pk
    # A corrects its June figure late
    ra.output_value = Decimal("310000000")
    ra.save()
    with clock.frozen(dt.date(2020, 9, 1)):
        second = snapshots_take(actor=stat, year=2020, month=6)[0]
    assert (second.revision, second.value, second.previous) == (2, Decimal("3.75"), Decimal("3.65"))
    assert second.difference == Decimal("0.10")
    first.refresh_from_db()
    assert first.value == Decimal("3.65")  # the published figure is kept as it was
    assert Snapshot.objects.filter(indicator=ind).count() == 2
