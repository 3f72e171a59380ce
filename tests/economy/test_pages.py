"""The leaders' cockpit: indicators against their targets, coloured by thresholds, with the trend data;
its scripts and styles come from files (CSP), and others are refused."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from gaoxin.core import clock
from gaoxin.economy.services.catalogue import indicator_save
from tests.enterprises.factories import enterprise, other_uscc, report
from tests.factories import DEFAULT_PASSWORD, department, staff_user

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    assert c.login(username=user.username, password=DEFAULT_PASSWORD)
    return c


def test_cockpit_rates_each_indicator_against_its_target(db):
    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    leader = staff_user("leader", department("gwh", "管委会"), ["leader"])
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    report(a, 2019, 0, output_value=Decimal("300000000"))
    report(a, 2020, 0, output_value=Decimal("365000000"), revenue=Decimal("100000000"))
    fields = {"name": "规上工业总产值", "unit": "亿元", "source": "reporting.output_value", "scale": 10**8}
    indicator_save(
        actor=stat,
        code="GY01",
        fields={**fields, "warning": 90, "excellent": 110},
        targets={2020: Decimal("3")},
    )
    indicator_save(
        actor=stat,
        code="GY02",
        fields={**fields, "name": "营业收入", "source": "reporting.revenue", "warning": 90},
        targets={2020: Decimal("2")},
    )
    with clock.frozen(dt.date(2021, 2, 1)):
        r = _client(leader).get("/economy/?year=2020")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'class="stat rating-excellent" data-code="GY01"' in html  # 3.65 of 3 = 121.7 %
    assert 'class="stat rating-warning" data-code="GY02"' in html  # 1.00 of 2 = 50 %
    assert "3.65亿元" in html and "121.7%" in html
    data = json.loads(html.split('id="economy-data" type="application/json">')[1].split("</script>")[0])
    assert data["years"] == [2016, 2017, 2018, 2019, 2020]
    assert data["series"][0]["values"][-2:] == [3.0, 3.65]
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script or style
    assert "gaoxin/economy.js" in html and "echarts.min.js" in html


def test_cockpit_refused_to_other_staff(db):
    clerk = staff_user("clerk", department("approval", "行政审批局"), ["window_clerk"])
    assert _client(clerk).get("/economy/").status_code == 404


def test_catalogue_page_shows_definitions_and_a_revision_with_its_difference(db):
    from gaoxin.economy.services.snapshots import snapshot_take

    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    a = enterprise(other_uscc(1), "甲", above_scale=True)
    ra = report(a, 2020, 0, output_value=Decimal("365000000"))
    ind = indicator_save(
        actor=stat,
        code="GY01",
        fields={"name": "规上工业总产值", "unit": "亿元", "source": "reporting.output_value", "scale": 10**8},
        targets={2020: Decimal("3.5")},
    )
    snapshot_take(actor=stat, indicator=ind, year=2020)
    ra.output_value = Decimal("370000000")
    ra.save()
    snapshot_take(actor=stat, indicator=ind, year=2020)
    html = _client(stat).get("/economy/indicators/?code=GY01").content.decode()
    assert "规上工业总产值" in html and "2020：3.5" in html
    revised = html.split('<tr class="revised">')[1].split("</tr>")[0]
    assert ">2<" in revised and "3.7" in revised and "3.65" in revised and "0.05" in revised
    assert "style=" not in html
