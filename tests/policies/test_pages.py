"""The pages answer for each role, and the rule editor's builder and preview work over htmx."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.policies.models import Award, Lease, ReliefScheme
from gaoxin.policies.services import premises
from tests.factories import DEFAULT_PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db


def test_officer_pages(client, officer, rd_clause, hte_firm):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    for url in [
        "/policies/",
        f"/policies/p/{rd_clause.policy_id}/",
        f"/policies/clauses/{rd_clause.pk}/",
        f"/policies/clauses/{rd_clause.pk}/rule/",
        "/policies/awards/",
        "/policies/funds/",
        "/policies/ledger/",
        "/policies/payments/",
        "/policies/relief/",
        "/policies/loans/",
    ]:
        assert client.get(url).status_code == 200, url
    r = client.post("/policies/rules/preview/", {"rule": "enterprise.hte"}, HTTP_HX_REQUEST="true")
    assert 'id="match-count">1<' in r.content.decode()
    r = client.post("/policies/rules/preview/", {"rule": "enterprise.hte &&"}, HTTP_HX_REQUEST="true")
    assert "语法错误" in r.content.decode()
    r = client.post(
        "/policies/rules/builder/",
        {
            "var0": "enterprise.size",
            "op0": "in",
            "val0": "small, micro",
            "var1": "data.revenue",
            "op1": ">=",
            "val1": "5,000,000",
            "year1": "2025",
            "var2": "enterprise.hte",
            "op2": "is_true",
            "join": "all",
        },
    )
    assert (
        "enterprise.size in [&quot;small&quot;, &quot;micro&quot;] &amp;&amp; data.revenue(2025) &gt;= 5000000 &amp;&amp; enterprise.hte"
        in r.content.decode()
    )
    r = client.post(f"/policies/clauses/{rd_clause.pk}/rule/", {"rule": "enterprise.bogus", "formula": "1"})
    assert "未知变量" in r.content.decode()
    r = client.post(
        f"/policies/clauses/{rd_clause.pk}/rule/", {"rule": "enterprise.hte", "formula": "100000"}
    )
    assert r.status_code == 302


def test_enterprise_page_and_forbidden_staff_pages(client, hte_user, rd_clause):
    client.login(username="ent", password=DEFAULT_PASSWORD)
    body = client.get("/policies/mine/").content.decode()
    assert "研发投入奖励" in body and "150,000.00" in body and "33.33%" in body
    for url in ["/policies/funds/", "/policies/awards/", "/policies/payments/"]:
        assert client.get(url).status_code == 403, url
    assert client.post("/policies/rules/preview/", {"rule": "true"}).status_code == 403


def test_relief_computation_waives_or_halves():
    scheme = ReliefScheme.objects.create(name="测试方案", period_from=dt.date(2020, 2, 1))
    from gaoxin.policies.models import Building, Unit

    unit = Unit.objects.create(building=Building.objects.create(name="A座"), code="101", area=100)
    sme = Lease.objects.create(
        unit=unit,
        tenant_name="甲",
        tenant_kind="sme",
        monthly_rent=10000,
        monthly_fee=500,
        start=dt.date(2019, 1, 1),
        end=dt.date(2021, 1, 1),
    )
    other = Lease.objects.create(
        unit=unit,
        tenant_name="乙",
        tenant_kind="other",
        monthly_rent=10000,
        monthly_fee=500,
        start=dt.date(2020, 3, 1),
        end=dt.date(2021, 1, 1),
    )
    # 免三减半三: February to April free, May to July at half
    assert premises.relief_for(scheme, sme) == (Decimal("4.5"), 45000, 2250)
    assert premises.relief_for(scheme, other)[1:] == (10000, 500)  # half of March and April only


def test_bulk_approve_from_the_review_page(client, officer, rd_clause):
    awards = [
        Award.objects.create(clause=rd_clause, enterprise=f.enterprise(), period=2026, amount=600000)
        for _ in range(2)
    ]
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    r = client.post("/policies/awards/", {"ids": [a.pk for a in awards], "action": "approve"}, follow=True)
    assert "预算余额不足" in r.content.decode()  # 1,000,000 holds one of them; the whole action is refused
    assert set(Award.objects.values_list("state", flat=True)) == {"draft"}


def test_officer_creates_a_policy_and_a_clause_from_the_pages(client, officer):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    r = client.post("/policies/", {"title": "人才新政", "issuer": "高新区管委会", "issued_on": "2026-03-01"})
    assert r.status_code == 302, r.content.decode()[-3000:]
    r = client.post(
        r["Location"],
        {"code": "phd", "title": "博士安家补贴", "mode": "apply", "period": 2026, "notice_days": 5},
    )
    assert r.status_code == 302 and r["Location"].endswith("/rule/"), r.content.decode()[-2500:]
    from gaoxin.policies.models import Clause

    assert Clause.objects.get(code="phd").rule == "true"


def test_the_funds_page_offers_the_budget_years_and_refuses_others(client, officer, rd_clause):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    body = client.get("/policies/funds/").content.decode()
    assert '<option value="">全部年度</option><option value="2026">2026</option>' in body
    assert '<option value="2026" selected>' in client.get("/policies/funds/?year=2026").content.decode()
    for query in ("?year=2025", "?year=abc", "?year=99999999999", "?by=nonsense"):
        r = client.get("/policies/funds/" + query)
        assert r.status_code == 400 and "请从列表中选择" in r.content.decode(), query
