"""The size and above-scale self-check: POST /api/v1/classifications/check and its page."""

import re

import pytest
from django.test import Client

from tests.enterprises.factories import USCC
from tests.factories import citizen_user, department, enterprise_user, staff_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/classifications/check"
PAGE = "/enterprises/classification-check/"


@pytest.fixture
def ent_client(db):
    c = Client()
    c.force_login(enterprise_user("ent", USCC, "示例科技有限公司"))
    return c


@pytest.fixture
def stat_client(db):
    c = Client()
    c.force_login(staff_user("stat", department("stats", "统计局"), ["statistician"]))
    return c


def check(c, **body):
    return c.post(URL, body, content_type="application/json")


def test_construction_needs_assets_and_is_sized_by_revenue_and_assets(ent_client):
    r = check(ent_client, industry="E4710", employees=5, revenue="1000000000")
    assert r.status_code == 200
    body = r.json()
    assert body["size"] is None
    assert "缺少资产总额" in body["reasons"]["size"]
    body = check(ent_client, industry="E4710", employees=5, revenue="1000000000", assets="1000000000").json()
    assert (body["size"], body["above_scale"], body["scale_kind"]) == ("large", False, None)
    assert "资质" in body["reasons"]["above_scale"]


def test_leasing_and_business_services_by_assets(stat_client):
    body = check(stat_client, industry="L7212", employees=150, revenue=1_000_000, assets=500_000).json()
    assert body["size"] == "micro"
    assert re.search(r"资产总额 50\.00万元（<100万元）", body["reasons"]["size"])


def test_above_scale_industry_and_k701(stat_client):
    body = check(stat_client, industry="C3670", employees=350, revenue="20000000.00").json()
    assert body == {
        "industry": "C3670",
        "industry_name": "C3670 汽车制造业",
        "size": "medium",
        "size_label": "中型",
        "above_scale": True,
        "scale_kind": "industry",
        "scale_kind_label": "规上工业",
        "reasons": body["reasons"],
    }
    assert body["reasons"]["above_scale"] == "规模以上工业：年主营业务收入 2,000.00万元 ≥ 2,000万元"
    body = check(stat_client, industry="K701", employees=50, revenue=10**9, assets=10**9).json()
    assert body["above_scale"] is False and body["size"] == "medium"


@pytest.mark.parametrize(
    "body",
    [
        {"industry": "Z99", "employees": 1},
        {"industry": "C36", "employees": -1},
        {"industry": "C36", "revenue": "-5"},
        {"industry": "C36", "revenue": "1e30"},
        {"industry": "C36", "assets": "abc"},
        {"employees": 3},
        {"industry": "C36", "employees": "12.5"},
    ],
)
def test_bad_figures_are_422_in_the_json_error_shape(stat_client, body):
    r = check(stat_client, **body)
    assert r.status_code == 422
    assert set(r.json()) >= {"code", "message"}


def test_only_enterprises_and_staff_may_try(db):
    anonymous = Client()
    assert check(anonymous, industry="C36", employees=1).status_code == 401
    c = Client()
    c.force_login(citizen_user("citizen", "11010519491231002X"))
    assert check(c, industry="C36", employees=1).status_code == 403
    assert c.get(PAGE).status_code == 404


def test_page_shows_the_result_and_keeps_what_was_typed(ent_client):
    assert ent_client.get(PAGE).status_code == 200
    r = ent_client.post(
        PAGE, {"industry": "L72", "employees": "150", "revenue": "1000000", "assets": "500000"}
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert 'id="result-size">微型<' in page
    assert "资产总额 50.00万元（&lt;100万元）" in page
    r = ent_client.post(PAGE, {"industry": "ZZ", "employees": "x"})
    assert r.status_code == 422
    page = r.content.decode()
    assert 'value="ZZ"' in page and "应填写数字" in page


def test_page_has_no_inline_script_or_style(ent_client):
    page = ent_client.post(
        PAGE, {"industry": "C36", "employees": "50", "revenue": "5000000"}
    ).content.decode()
    content = page.split("<main", 1)[-1]
    assert "style=" not in content
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)
