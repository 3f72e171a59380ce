"""申报 clauses: an officer publishes the clause as a service item; enterprises apply through the
government-services case engine, and every submission is pre-checked against the clause's rule."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.core.errors import Conflict
from gaoxin.enterprises.models import Report
from gaoxin.govservices.models import Case, CaseMaterial, CaseStage, ServiceItem
from gaoxin.policies.models import Award, Clause
from gaoxin.policies.services import apply, catalogue, money
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


def _item(officer, policy, **fields) -> Clause:
    """A 申报 clause published as its department's service item."""
    clause = f.apply_clause(officer, policy, officer.department, materials="项目申报书", **fields)
    apply.clause_publish_service_item(actor=officer, clause=clause)
    clause.refresh_from_db()
    return clause


@pytest.fixture
def measured_clause(officer, policy):
    """A 申报 clause whose award follows the applicant's data: 10 % of its 2025 R&D, capped at 150,000."""
    return _item(
        officer,
        policy,
        code="rd-measured",
        title="研发投入比例奖励",
        formula="data.rd_expense(2025) * 0.1",
        award_cap=Decimal("150000"),
    )


def _decide(officer, applicant, clause) -> str:
    """The applicant submits; the department's clerk accepts, its reviewer agrees, its approver approves."""
    from gaoxin.govservices.services.cases import case_act
    from gaoxin.govservices.services.submission import case_submit

    version = ServiceItem.objects.get(code=clause.service_code).current
    files = {str(m.order): pdf(f"{m.order}.pdf") for m in version.materials.all()}
    case, _ = case_submit(actor=applicant, item_code=clause.service_code, files=files, data={})
    staff = {
        role: User.objects.filter(username=f"{role}-kjj").first()
        or staff_user(f"{role}-kjj", officer.department, [role])
        for role in ("window_clerk", "reviewer", "approver")
    }
    case_act(actor=staff["window_clerk"], number=case.number, action="accept")
    case_act(actor=staff["reviewer"], number=case.number, action="review", payload={"verdict": "agree"})
    case_act(actor=staff["approver"], number=case.number, action="approve", payload={"opinion": "准予"})
    return case.number


def test_an_approved_application_becomes_a_draft_award_by_the_clause_formula_and_cap(
    officer, finance, hte_user, measured_clause
):
    small = f.enterprise("柳州小试科技有限公司", size="micro")
    f.qualify(small, "hte")
    f.report(small, 2025, revenue=5_000_000, rd_expense=1_200_000)
    small_user = enterprise_user("small", small.uscc, small.name)
    assert not Award.objects.exists()
    first = _decide(officer, hte_user, measured_clause)
    second = _decide(officer, small_user, measured_clause)
    awards = {a.enterprise.uscc: a for a in Award.objects.filter(clause=measured_clause)}
    capped, measured = awards[hte_user.enterprise_uscc], awards[small.uscc]
    assert capped.amount == Decimal("150000.00")  # 10 % of 2,000,000 is 200,000: the cap holds
    assert measured.amount == Decimal("120000.00")
    assert capped.state == measured.state == Award.State.DRAFT
    assert (capped.basis["case"], measured.basis["case"]) == (first, second)
    assert capped.basis["formula"] == measured_clause.formula
    # the draft goes on through the money machine: approval reserves the budget
    catalogue.budget_set(actor=officer, clause=measured_clause, year=2026, amount=Decimal("200000"))
    money.award_approve(actor=officer, award=capped)
    with pytest.raises(Conflict, match="预算余额不足"):
        money.award_approve(actor=officer, award=measured)
    # a second approved application of the same enterprise finds the award, not a second one
    _decide(officer, hte_user, measured_clause)
    assert Award.objects.filter(clause=measured_clause).count() == 2


def test_an_application_whose_award_cannot_be_computed_is_not_approved(officer, hte_user, policy):
    from gaoxin.govservices.services.cases import case_act

    clause = _item(
        officer,
        policy,
        code="export-apply",
        title="出口奖励申报",
        rule="enterprise.hte",
        formula="data.export_value(2025) * 0.01",  # the enterprise reported no export value
    )
    with pytest.raises(Conflict, match="无法按“出口奖励申报”的兑现标准测算"):
        _decide(officer, hte_user, clause)
    case = Case.objects.get()
    assert case.state == Case.State.IN_REVIEW  # the decision was refused whole
    assert not Award.objects.exists()
    approver = User.objects.get(username="approver-kjj")
    Report.objects.filter(enterprise__uscc=hte_user.enterprise_uscc, year=2025).update(
        export_value=Decimal("3000000")
    )
    case_act(actor=approver, number=case.number, action="approve", payload={"opinion": "准予"})
    assert Award.objects.get(clause=clause).amount == Decimal("30000.00")
