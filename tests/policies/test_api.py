"""The policies API: rules checked in plain Chinese, previews with near misses, the money flow."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from gaoxin.policies.models import Award, Notification
from tests.factories import DEFAULT_PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def officer_client(client, officer):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    return client


def test_rule_check_names_unknown_variables_and_type_mismatches(officer_client):
    r = post(officer_client, "/api/v1/rules/check", {"rule": "enterprise.hte && enterprise.revenue > 1"})
    assert r.json() == {
        "ok": False,
        "message": "未知变量“enterprise.revenue”。可用的变量见规则编辑器右侧的变量表",
        "conditions": [],
    }
    r = post(officer_client, "/api/v1/rules/check", {"rule": 'data.revenue(2025) == "多"'})
    assert "类型不匹配" in r.json()["message"] and "营业收入" in r.json()["message"]
    r = post(
        officer_client, "/api/v1/rules/check", {"rule": "enterprise.hte && data.rd_expense(2025) >= 5000000"}
    )
    assert r.json()["ok"] and r.json()["conditions"] == ["enterprise.hte", "data.rd_expense(2025) >= 5000000"]


def test_preview_counts_matches_and_near_misses(officer_client, hte_firm):
    almost = f.enterprise("差一点科技有限公司", size="small")
    f.report(almost, 2025, rd_expense=3_000_000)
    f.enterprise("毫不相干有限公司", size="large")
    r = post(
        officer_client,
        "/api/v1/rules/preview",
        {"rule": "enterprise.hte && data.rd_expense(2025) >= 1000000"},
    )
    body = r.json()
    assert body["count"] == 1
    assert body["near_misses"] == [{"uscc": almost.uscc, "name": almost.name, "failed": "enterprise.hte"}]
    r = post(officer_client, "/api/v1/rules/preview", {"rule": "enterprise.nope"})
    assert r.status_code == 422 and r.json()["fields"]["rule"].startswith("未知变量")


def test_saving_a_bad_rule_is_refused(officer_client, rd_clause):
    r = officer_client.put(
        f"/api/v1/clauses/{rd_clause.pk}/rule",
        json.dumps({"rule": "enterprise.size > 3"}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "不能与数值" in r.json()["message"]
    r = officer_client.put(
        f"/api/v1/clauses/{rd_clause.pk}/rule",
        json.dumps({"formula": "enterprise.hte"}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "金额公式的结果必须是数值" in r.json()["message"]
    r = officer_client.put(
        f"/api/v1/clauses/{rd_clause.pk}/rule",
        json.dumps({"rule": "enterprise.hte"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["rule"] == "enterprise.hte"


def test_enterprise_sees_its_eligible_clauses_with_reasons(client, hte_user, rd_clause):
    client.login(username="ent", password=DEFAULT_PASSWORD)
    offers = client.get("/api/v1/me/offers").json()
    assert len(offers) == 1 and offers[0]["eligible"] and offers[0]["amount"] == "150000.00"
    growth = offers[0]["conditions"][2]
    assert growth["text"] == "growth.revenue_yoy(2025) >= 0.1" and growth["result"] is True
    assert growth["values"][0][2] == "33.33%"
    assert post(client, "/api/v1/rules/preview", {"rule": "true"}).status_code == 403


def test_money_flow_over_the_api(
    client, officer, finance, hte_firm, hte_user, rd_clause, django_capture_on_commit_callbacks
):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, f"/api/v1/clauses/{rd_clause.pk}/batch").status_code == 202
    award = Award.objects.get()
    assert post(client, f"/api/v1/awards/{award.pk}/approve").json()["state"] == "approved"
    assert post(client, f"/api/v1/awards/{award.pk}/approve").status_code == 409
    assert post(client, "/api/v1/awards/publish", {"ids": [award.pk]}).json() == {"published": 1}
    assert Notification.objects.filter(enterprise=hte_firm, kind="notice").exists()

    client.login(username="ent", password=DEFAULT_PASSWORD)
    r = post(
        client,
        f"/api/v1/awards/{award.pk}/confirm",
        {"bank_name": "工商银行", "account_name": hte_firm.name, "account_no": "6222020000000001"},
    )
    assert r.json()["state"] == "confirmed"
    Award.objects.filter(pk=award.pk).update(notice_to=dt.date(2020, 1, 1))

    client.login(username=finance.username, password=DEFAULT_PASSWORD)
    r = post(client, "/api/v1/payment-batches", {})
    assert r.status_code == 201
    batch = r.json()["id"]
    assert client.get(f"/api/v1/payment-batches/{batch}/file").status_code == 200
    r = post(client, f"/api/v1/payment-batches/{batch}/paid", {"references": {str(award.pk): "ICBC001"}})
    assert r.json()["state"] == "paid"
    r = post(client, f"/api/v1/payment-batches/{batch}/paid", {"references": {str(award.pk): "ICBC001"}})
    assert r.status_code == 409
    rows = client.get("/api/v1/policy-reports/funds", {"by": "clause"}).json()
    assert (
        rows == [{"key": "研发投入奖励", "disbursed": "150000.00", "committed": "0.00"}]
        or Decimal(rows[0]["disbursed"]) == 150000
    )
    r = post(client, f"/api/v1/awards/{award.pk}/clawback", {"reason": "核查发现虚报"})
    assert r.json()["state"] == "clawed_back"


def test_bad_ids_and_foreign_awards_are_4xx(client, hte_user, hte_firm, rd_clause):
    other = Award.objects.create(
        clause=rd_clause, enterprise=f.enterprise(), period=2026, amount=Decimal("1"), state="notice"
    )
    client.login(username="ent", password=DEFAULT_PASSWORD)
    r = post(
        client,
        f"/api/v1/awards/{other.pk}/confirm",
        {"bank_name": "x", "account_name": "y", "account_no": "12345678"},
    )
    assert r.status_code == 404
    assert post(client, "/api/v1/awards/99999999999999999999/approve").status_code in (404, 422)


def test_policy_and_clause_created_over_the_api(officer_client):
    r = post(
        officer_client,
        "/api/v1/policies",
        {"title": "人才新政", "issuer": "高新区管委会", "issued_on": "2026-03-01"},
    )
    assert r.status_code == 201
    pid = r.json()["id"]
    bad = {"code": "t1", "title": "博士补贴", "period": 2026, "rule": "enterprise.phd > 1"}
    r = post(officer_client, f"/api/v1/policies/{pid}/clauses", bad)
    assert r.status_code == 422 and "未知变量“enterprise.phd”" in r.json()["message"]
    r = post(
        officer_client,
        f"/api/v1/policies/{pid}/clauses",
        {**bad, "rule": "enterprise.postdoc", "formula": "300000"},
    )
    assert r.status_code == 201 and r.json()["rule"] == "enterprise.postdoc"
    assert post(officer_client, f"/api/v1/policies/{pid}/clauses", {**bad, "rule": "true"}).status_code == 409


def test_loans_over_the_api(officer_client, policy):
    ent = f.enterprise()
    r = post(
        officer_client,
        "/api/v1/loans",
        {
            "policy_id": policy.pk,
            "uscc": ent.uscc,
            "bank": "柳州银行",
            "requested": "2000000",
            "recommended": "2000000",
        },
    )
    assert r.status_code == 201
    loan = r.json()["id"]
    assert post(officer_client, f"/api/v1/loans/{loan}", {"granted": "1"}).status_code == 409
    assert (
        post(officer_client, f"/api/v1/loans/{loan}", {"approved": "1500000"}).json()["state"] == "approved"
    )
    r = post(officer_client, f"/api/v1/loans/{loan}", {"granted": "1500000", "granted_on": "2020-03-02"})
    assert Decimal(r.json()["granted"]) == 1500000 and r.json()["state"] == "granted"


def test_eligibility_of_one_clause_for_the_enterprise(client, hte_user, rd_clause):
    client.login(username="ent", password=DEFAULT_PASSWORD)
    body = client.get(f"/api/v1/clauses/{rd_clause.pk}/eligibility").json()
    assert body["eligible"] and [c["result"] for c in body["conditions"]] == [True, True, True]
