"""申报 clauses: an officer publishes the clause as a service item; enterprises apply through the
government-services case engine, and every submission is pre-checked against the clause's rule."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from gaoxin.govservices.models import Case, CaseMaterial, CaseStage, ServiceItem
from gaoxin.policies.models import Clause
from tests.factories import DEFAULT_PASSWORD, department, enterprise_user, staff_user
from tests.govservices.helpers import pdf

from . import factories as f


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def apply_clause(officer, policy):
    return f.apply_clause(officer, policy, officer.department)


@pytest.fixture
def published(client, officer, apply_clause):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    r = post(client, f"/api/v1/clauses/{apply_clause.pk}/service-item")
    assert r.status_code == 201, r.content
    client.logout()
    return r.json()["code"]


@pytest.fixture
def plain_user(db):
    firm = f.enterprise("柳州普通贸易有限公司", size="small")
    f.report(firm, 2025, revenue=3_000_000, rd_expense=10_000)
    return enterprise_user("plain", firm.uscc, firm.name)


def test_publishing_creates_a_promised_item_of_the_approving_department(
    client, officer, apply_clause, published
):
    apply_clause.refresh_from_db()
    assert apply_clause.service_code == published
    item = ServiceItem.objects.get(code=published)
    v = item.current
    assert (
        v.department == officer.department and v.handling == "promised" and v.applicant_kind == "enterprise"
    )
    assert [m.name for m in v.materials.all()] == ["项目申报书", "研发费用专项审计报告"]
    stage = v.stages.get()
    assert list(stage.departments.all()) == [officer.department] and stage.role == "reviewer"
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    again = post(client, f"/api/v1/clauses/{apply_clause.pk}/service-item")
    assert again.status_code == 409


def test_only_policy_officers_publish(client, hte_user, apply_clause):
    staff_user("approver1", department("spj", "行政审批局"), ["approver"])
    for username in ("ent", "approver1"):
        client.login(username=username, password=DEFAULT_PASSWORD)
        r = post(client, f"/api/v1/clauses/{apply_clause.pk}/service-item")
        assert r.status_code == 403, username
        assert "政策专员" in r.json()["message"]
        client.logout()
    assert not ServiceItem.objects.exists()
    apply_clause.refresh_from_db()
    assert apply_clause.service_code == ""


def test_auto_clauses_are_not_published(client, officer, rd_clause):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    r = post(client, f"/api/v1/clauses/{rd_clause.pk}/service-item")
    assert r.status_code == 409 and "申报" in r.json()["message"]


def test_eligible_enterprise_applies_and_the_case_reaches_the_department(
    client, officer, hte_user, published
):
    reviewer = staff_user("reviewer1", officer.department, ["reviewer"])
    client.login(username="ent", password=DEFAULT_PASSWORD)
    eligibility = client.get(f"/api/v1/clauses/{Clause.objects.get(service_code=published).pk}/eligibility")
    assert eligibility.json()["eligible"] is True
    # required materials come with the submission (a case without its files is refused)
    assert post(client, "/api/v1/cases", {"item": published}).status_code == 422
    version = ServiceItem.objects.get(code=published).current
    body = {"payload": json.dumps({"item": published})}
    body.update({f"file_{m.order}": pdf(f"{m.order}.pdf") for m in version.materials.all()})
    r = client.post("/api/v1/cases", body)
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()["number"])
    assert case.department == officer.department and case.enterprise_uscc == hte_user.enterprise_uscc
    assert CaseStage.objects.filter(case=case).count() == 1
    staff_user("elsewhere", department("zjj", "住房和城乡建设局"), ["reviewer"])
    seen = {}
    for username in (reviewer.username, "elsewhere"):
        client.logout()
        client.login(username=username, password=DEFAULT_PASSWORD)
        listing = client.get("/api/v1/cases").json()
        rows = listing["items"] if isinstance(listing, dict) else listing
        seen[username] = [row["number"] for row in rows]
    assert seen == {reviewer.username: [case.number], "elsewhere": []}


def test_ineligible_enterprise_is_told_why_and_nothing_is_written(client, plain_user, published):
    client.login(username="plain", password=DEFAULT_PASSWORD)
    r = post(client, "/api/v1/cases", {"item": published})
    assert r.status_code == 422
    message = r.json()["message"]
    assert "暂不符合" in message and "enterprise.hte" in message and "不符合" in message
    assert not Case.objects.exists() and not CaseMaterial.objects.exists()
    assert not CaseStage.objects.exists()


def test_the_application_form_refuses_an_ineligible_enterprise(client, plain_user, published):
    client.login(username="plain", password=DEFAULT_PASSWORD)
    r = client.post(f"/services/items/{published}/apply/", {"idempotency_key": "k1"})
    assert r.status_code == 200
    assert "暂不符合" in r.content.decode()
    assert not Case.objects.exists()


def test_closed_window_is_a_conflict(client, hte_user, apply_clause, published):
    today = timezone.localdate()
    Clause.objects.filter(pk=apply_clause.pk).update(
        window_from=today - dt.timedelta(days=60), window_to=today - dt.timedelta(days=1)
    )
    client.login(username="ent", password=DEFAULT_PASSWORD)
    r = post(client, "/api/v1/cases", {"item": published})
    assert r.status_code == 409 and "申报期" in r.json()["message"]
    assert not Case.objects.exists()


def test_window_clerk_cannot_bypass_the_check(client, plain_user, hte_user, published):
    staff_user("clerk1", department("zwzx", "政务服务中心"), ["window_clerk"])
    client.login(username="clerk1", password=DEFAULT_PASSWORD)
    r = post(client, "/api/v1/cases", {"item": published, "applicant": "plain"})
    assert r.status_code == 422 and "暂不符合" in r.json()["message"]
    assert not Case.objects.exists()
    ok = post(client, "/api/v1/cases", {"item": published, "applicant": "ent"})
    assert ok.status_code == 201, ok.content
    assert Case.objects.get().channel == "window"


def test_offer_shows_apply_link_only_when_eligible(client, hte_user, plain_user, apply_clause, published):
    client.login(username="ent", password=DEFAULT_PASSWORD)
    page = client.get(f"/policies/clauses/{apply_clause.pk}/").content.decode()
    assert f"/services/items/{published}/apply/" in page and "在线申报" in page
    client.logout()
    client.login(username="plain", password=DEFAULT_PASSWORD)
    page = client.get(f"/policies/clauses/{apply_clause.pk}/").content.decode()
    assert "在线申报" not in page
