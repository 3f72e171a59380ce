"""Drill-down from a cockpit figure to the groups behind it, through the pillars' read contracts."""

from decimal import Decimal

import pytest
from django.test import Client

from gaoxin.economy.services.catalogue import indicator_save
from gaoxin.enterprises.models import Industry, Park
from tests.enterprises.factories import enterprise, other_uscc, report
from tests.factories import department, enterprise_user, staff_user

pytestmark = pytest.mark.django_db
YI = Decimal(100_000_000)


@pytest.fixture
def zone(db):
    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    hexi = Park.objects.create(code="hexi", name="河西园")
    liudong = Park.objects.create(code="ld", name="柳东园")
    auto = Industry.objects.create(code="auto", name="汽车", tier="1")
    a = enterprise(other_uscc(1), "甲", park=hexi, industry=auto)
    b = enterprise(other_uscc(2), "乙", park=hexi, industry=auto)
    c = enterprise(other_uscc(3), "丙", park=liudong, industry=auto)
    report(a, 2020, 0, output_value=Decimal("150000000"))
    report(b, 2020, 0, output_value=Decimal("50000000"))
    report(c, 2020, 0, output_value=Decimal("125000000"))
    report(c, 2020, 12, output_value=Decimal("999000000"))  # an annual report is preferred to December
    indicator_save(
        actor=stat,
        code="FZ01",
        fields={"name": "规上工业总产值", "unit": "亿元", "source": "reporting.output_value", "scale": YI},
    )
    return stat


def _rows(client, url):
    html = client.get(url).content.decode()
    body = html.split('id="breakdown"', 1)[1].split("</tbody>", 1)[0]
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in body.split("<td")[1:]]
    return list(zip(cells[::2], cells[1::2], strict=True))


def test_a_figure_splits_by_park_and_the_groups_add_up_to_it(zone):
    c = Client()
    c.force_login(zone)
    assert _rows(c, "/economy/indicators/FZ01/?year=2020&by=park") == [("柳东园", "1.25"), ("河西园", "2.00")]
    assert _rows(c, "/economy/indicators/FZ01/?year=2020&by=industry") == [("汽车", "3.25")]
    cockpit = c.get("/economy/?year=2020").content.decode()
    assert "/economy/indicators/FZ01/?year=2020" in cockpit


def test_the_drill_down_is_for_the_zones_readers_only(zone):
    ent = Client()
    ent.force_login(enterprise_user("ent", other_uscc(1), "甲"))
    assert ent.get("/economy/indicators/FZ01/?year=2020").status_code == 404
    c = Client()
    c.force_login(zone)
    assert c.get("/economy/indicators/NOPE/").status_code == 404
    assert c.get("/economy/indicators/FZ01/?year=abc&by=nonsense").status_code == 200
