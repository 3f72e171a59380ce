"""The read contract of government services: cases, on-time rate, 即办件 share and working days over a
period, against hand-computed figures (2020 working days: 6 July is a Monday)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gaoxin.core.errors import NotFound
from gaoxin.govservices.models import Case
from gaoxin.govservices.selectors import govservices_stats
from tests.factories import citizen_user, department, staff_user
from tests.govservices.builders import zone

pytestmark = pytest.mark.django_db


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _case(n, version, applicant, *, submitted, state="submitted", accepted=None, decided=None, due=None):
    return Case.objects.create(
        number=f"GX2020{n:06d}",
        item=version.item,
        version=version,
        department=version.item.department,
        applicant=applicant,
        applicant_name="张三",
        submitted_by=applicant,
        channel="window",
        state=state,
        submitted_at=_at(submitted),
        accepted_on=accepted,
        decided_at=_at(decided) if decided else None,
        due_on=due,
    )


def test_govservices_stats_hand_computed():
    depts, people, items = zone()
    instant, promised = items["000000000001"], items["000000000002"]
    who = citizen_user("citizen", "11010519491231002X")
    # 即办件 concluded the day it came in: 0 working days, on time
    _case(
        1,
        instant,
        who,
        submitted=dt.date(2020, 7, 6),
        state="issued",
        accepted=dt.date(2020, 7, 6),
        decided=dt.date(2020, 7, 6),
        due=dt.date(2020, 7, 6),
    )
    # 承诺件 accepted Mon 6 July, decided Fri 10 July: 4 working days, due 13 July → on time
    _case(
        2,
        promised,
        who,
        submitted=dt.date(2020, 7, 6),
        state="issued",
        accepted=dt.date(2020, 7, 6),
        decided=dt.date(2020, 7, 10),
        due=dt.date(2020, 7, 13),
    )
    # accepted Mon 6 July, decided Mon 13 July: 5 working days, due 8 July → late
    _case(
        3,
        promised,
        who,
        submitted=dt.date(2020, 7, 6),
        state="denied",
        accepted=dt.date(2020, 7, 6),
        decided=dt.date(2020, 7, 13),
        due=dt.date(2020, 7, 8),
    )
    # still in review: received, not concluded
    _case(
        4,
        promised,
        who,
        submitted=dt.date(2020, 7, 20),
        state="in_review",
        accepted=dt.date(2020, 7, 20),
        due=dt.date(2020, 8, 1),
    )
    # decided in 2021: outside the period
    _case(
        5,
        promised,
        who,
        submitted=dt.date(2020, 12, 30),
        state="issued",
        accepted=dt.date(2020, 12, 30),
        decided=dt.date(2021, 1, 5),
        due=dt.date(2021, 1, 10),
    )
    stats = govservices_stats(user=people["admin"], period=(2020, None), by="department")
    t = stats["total"]
    assert (t["received"], t["concluded"]) == (5, 3)
    assert t["on_time_rate"] == Decimal("66.7")  # 2 of 3
    assert t["instant_share"] == Decimal("33.3")  # 1 of 3
    assert t["average_workdays"] == Decimal("3.0")  # (0 + 4 + 5) / 3
    assert [r["name"] for r in stats["rows"]] == ["行政审批局"]
    june = govservices_stats(user=people["admin"], period=(2020, 6))["total"]
    assert (june["received"], june["concluded"], june["on_time_rate"]) == (0, 0, None)
    # by month: each month counts its own cases; the months add up to the year
    months = govservices_stats(user=people["admin"], period=(2020, None), by="month")["rows"]
    assert [r["name"] for r in months] == [f"2020-{m:02d}" for m in range(1, 13)]
    july, december = months[6], months[11]
    assert (july["received"], july["concluded"], july["on_time_rate"]) == (4, 3, Decimal("66.7"))
    assert (december["received"], december["concluded"], december["on_time_rate"]) == (1, 0, None)
    assert sum(r["received"] for r in months) == t["received"]
    assert sum(r["concluded"] for r in months) == t["concluded"]
    to_july = govservices_stats(user=people["admin"], period=(2020, 7), by="month")["rows"]
    assert len(to_july) == 7 and to_july[6] == july
    # the statistics office (no department of cases) and a leader read the same zone totals; a
    # reviewer of another department sees only its own cases
    stats_office = staff_user("stat", department("stats", "统计局"), ["statistician"])
    leader = staff_user("boss", department("gwh", "管委会"), ["leader"])
    for reader in (stats_office, leader):
        assert govservices_stats(user=reader, period=(2020, None))["total"] == t
    outsider = staff_user("rv_other", department("other", "其他局"), ["reviewer"])
    assert govservices_stats(user=outsider, period=(2020, None))["total"]["received"] == 0


def test_govservices_stats_refuse_a_citizen():
    zone()
    with pytest.raises(NotFound):
        govservices_stats(user=citizen_user("c2", "11010519491231002X"), period=(2020, None))
