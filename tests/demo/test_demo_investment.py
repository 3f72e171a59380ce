"""The demo zone's investment figures, computed by the KPI code from the records the demo step made."""

import datetime as dt

import pytest

from gaoxin.demo import generator
from gaoxin.investment.models import Chain, Project, StageEvent
from gaoxin.investment.services.chains import chain_map
from gaoxin.investment.services.kpis import kpis, trip_figures, warnings

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 22)


def test_2020_has_40_signings_52_trips_and_104_companies_visited():
    generator.build(seed=2020, count=400, as_of=AS_OF, log=lambda m: None)
    total = kpis(Project.objects.all(), year=2020, as_of=AS_OF, by="sector")
    assert total["total"]["signed"] == 40
    assert {r["name"] for r in total["rows"]} == {"汽车产业链", "车联网", "装备制造", "轨道交通", "生物医药"}
    figures = trip_figures(year=2020, as_of=AS_OF)
    assert figures["trips"] >= 50 and figures["companies"] >= 100 and figures["leads"] > 0
    # Every move past 签约 was reviewed; nothing is dated after the demo's day.
    assert not StageEvent.objects.filter(on__gt=AS_OF).exists()
    assert Project.objects.filter(stage__in=["producing", "full"]).exists()
    assert {"国轩高科股份有限公司", "玲珑轮胎股份有限公司"} <= set(
        Project.objects.values_list("company", flat=True)
    )
    # Changing a record changes the figure: one 2020 signing sent back no longer counts.
    event = StageEvent.objects.filter(action="sign", on__year=2020).first()
    StageEvent.objects.filter(pk=event.pk).update(withdrawn=True)
    assert kpis(Project.objects.all(), year=2020, as_of=AS_OF)["total"]["signed"] == 39
    nev = chain_map(Chain.objects.get(code="nev"), year=2025)
    assert any(p["proposal"] for p in nev["proposals"])
    assert isinstance(warnings(Project.objects.all(), as_of=AS_OF), list)
