"""营商环境 tracking: the 13 tasks in the catalogue, a task's figures from the cases of its own service
items only (hand-computed), the entered values with their source, the page, and who may enter."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from gaoxin.core.errors import Conflict, PermissionDenied, ValidationFailed
from gaoxin.economy import selectors
from gaoxin.economy.business import TASKS
from gaoxin.economy.models import Indicator
from gaoxin.economy.services.business import business_catalogue_load, indicator_entry_save
from tests.economy.test_stats_govservices import _case
from tests.factories import DEFAULT_PASSWORD, citizen_user, department, enterprise_user, staff_user
from tests.govservices.builders import zone

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    assert c.login(username=user.username, password=DEFAULT_PASSWORD)
    return c


@pytest.fixture
def world(db):
    _, _, items = zone()
    stat = staff_user("stat", department("stats", "统计局"), ["statistician"])
    who = citizen_user("citizen", "11010519491231002X")
    # 企业名称自主申报 (an item of 开办企业): accepted and decided Mon 6 July, due that day → 0 days, on time
    _case(
        1,
        items["000000000001"],
        who,
        submitted=dt.date(2020, 7, 6),
        state="issued",
        accepted=dt.date(2020, 7, 6),
        decided=dt.date(2020, 7, 6),
        due=dt.date(2020, 7, 6),
    )
    # 食品经营许可 (no task's item): accepted Mon 6 July, decided Mon 13 July → 5 working days, due 8 July → late
    _case(
        2,
        items["000000000002"],
        who,
        submitted=dt.date(2020, 7, 6),
        state="issued",
        accepted=dt.date(2020, 7, 6),
        decided=dt.date(2020, 7, 13),
        due=dt.date(2020, 7, 8),
    )
    business_catalogue_load(actor=stat)
    staff_user("leader", department("gwh", "管委会"), ["leader"])
    return stat


def _leader():
    from gaoxin.accounts.models import User

    return User.objects.get(username="leader")


def _figures(user=None, year=2020):
    user = user or _leader()  # leaders see every case; a statistician sees none (govservices tenancy)
    return {f["code"]: f for t in selectors.business_environment(user=user, year=year) for f in t["figures"]}


def test_thirteen_tasks_in_the_catalogue_fed_where_cases_exist(world):
    assert len(TASKS) == 13
    assert Indicator.objects.get(code="YS01", current=True).source == "govservices.average_workdays@YS01"
    assert Indicator.objects.get(code="YS06", current=True).source == "entered"
    figures = _figures()
    # 开办企业 counts its own item's case alone; 政务服务 counts both
    assert (figures["YS01"]["value"], figures["YS01R"]["value"], figures["YS01"]["inputs"]) == (
        Decimal("0.0"),
        Decimal("100.0"),
        1,
    )
    assert (figures["YS13"]["value"], figures["YS13R"]["value"], figures["YS13"]["inputs"]) == (
        Decimal("2.5"),
        Decimal("50.0"),
        2,
    )
    assert figures["YS02"]["value"] is None  # no 工程建设 case: shown as —, never 0
    assert figures["YS02"]["display"] == "—"
    # loading again adds no version
    business_catalogue_load(actor=world)
    assert Indicator.objects.filter(code="YS01").count() == 1


def test_an_entered_task_shows_its_value_and_source(world):
    indicator_entry_save(
        actor=world,
        code="YS06",
        year=2020,
        month=0,
        value=Decimal("96.5"),
        source_note="税务局 2020 年纳税时间测算",
    )
    f = _figures()["YS06"]
    assert (f["value"], f["source"], f["entered"]) == (Decimal("96.5"), "税务局 2020 年纳税时间测算", True)
    assert _figures(year=2021)["YS06"]["value"] is None
    with pytest.raises(Conflict, match="由平台记录计算"):
        indicator_entry_save(actor=world, code="YS01", year=2020, month=0, value=Decimal(1), source_note="x")
    with pytest.raises(ValidationFailed, match="数据出处"):
        indicator_entry_save(actor=world, code="YS06", year=2020, month=0, value=Decimal(1), source_note="")
    leader = _leader()
    with pytest.raises(PermissionDenied):
        indicator_entry_save(actor=leader, code="YS06", year=2020, month=0, value=Decimal(1), source_note="x")


def test_page_and_api(world):
    leader = _leader()
    page = _client(leader).get("/economy/business-environment/?year=2020")
    assert page.status_code == 200
    text = page.content.decode()
    assert "开办企业" in text and "水电气接入" in text and "填报指标值" not in text
    office = _client(world)
    r = office.post(
        "/economy/business-environment/?year=2020&month=0",
        {"indicator": "YS05", "value": "多", "source": "x"},
    )
    assert r.status_code == 200 and "数值应填写数字" in r.content.decode()
    r = office.put(
        "/api/v1/economy/business-environment/2020/entries",
        {"indicator": "YS05", "value": "12", "source": "金融办统计"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = _client(leader).get("/api/v1/economy/business-environment/2020").json()
    credit = next(t for t in body if t["code"] == "YS05")
    assert credit["figures"][0]["value"] == "12.0" and credit["figures"][0]["source"] == "金融办统计"
    company = _client(enterprise_user("ent", "91350100M000100Y43", "甲企业"))
    assert company.get("/api/v1/economy/business-environment/2020").status_code == 404
    assert company.get("/economy/business-environment/").status_code == 404
