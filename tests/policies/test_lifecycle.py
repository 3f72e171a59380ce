"""Clauses are drafted, checked and published; only a published clause reaches enterprises.
The policy page creates policies; the rule builder takes values by their labels."""

import json

import pytest

from gaoxin.core.errors import Conflict, ValidationFailed
from gaoxin.govservices.models import Case
from gaoxin.policies.models import Award, Clause, Policy
from gaoxin.policies.rules import RuleError, parse_rule
from gaoxin.policies.rules.builder import Row, build
from gaoxin.policies.services import catalogue, matching, money
from tests.factories import DEFAULT_PASSWORD

from . import factories as f

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def fresh(officer, policy, hte_firm):
    """A clause created a minute ago with no rule: `true`."""
    return catalogue.clause_create(actor=officer, policy=policy, code="fresh", title="新建事项", period=2026)


def _offered(ent) -> set[str]:
    return {o.clause.code for o in matching.offers_for(ent)}


def test_a_new_clause_is_a_draft_and_reaches_no_enterprise(client, officer, hte_user, hte_firm, fresh):
    assert fresh.state == Clause.State.DRAFT
    assert "fresh" not in _offered(hte_firm)  # 企业找政策
    client.login(username="ent", password=DEFAULT_PASSWORD)
    assert "新建事项" not in client.get("/policies/mine/").content.decode()
    assert client.get(f"/policies/clauses/{fresh.pk}/").status_code == 404
    assert client.get(f"/api/v1/clauses/{fresh.pk}/eligibility").status_code == 404
    with pytest.raises(Conflict, match="尚未发布"):
        money.award_batch_start(actor=officer, clause=fresh)  # 免申即享
    with pytest.raises(Conflict, match="尚未发布"):
        matching.notify_newly_eligible(clause=fresh)
    assert not Award.objects.exists()


def test_a_rule_that_is_only_true_cannot_be_checked(officer, fresh):
    with pytest.raises(ValidationFailed, match="资格条件尚未编写"):
        catalogue.clause_act(actor=officer, clause=fresh, action="check")
    with pytest.raises(Conflict):
        catalogue.clause_act(actor=officer, clause=fresh, action="publish")  # not checked yet
    fresh.refresh_from_db()
    assert fresh.state == Clause.State.DRAFT


def test_checked_then_published_reaches_enterprises_and_a_changed_rule_goes_back_to_draft(
    officer, hte_firm, fresh
):
    catalogue.clause_update(actor=officer, clause=fresh, rule="enterprise.hte")
    assert catalogue.clause_act(actor=officer, clause=fresh, action="check").state == "checked"
    assert "fresh" not in _offered(hte_firm)
    assert catalogue.clause_act(actor=officer, clause=fresh, action="publish").state == "published"
    assert "fresh" in _offered(hte_firm)
    catalogue.clause_update(actor=officer, clause=fresh, rule="enterprise.hte && enterprise.listed")
    fresh.refresh_from_db()
    assert fresh.state == Clause.State.DRAFT and "fresh" not in _offered(hte_firm)
    catalogue.clause_check_and_publish(actor=officer, clause=fresh)
    catalogue.clause_act(actor=officer, clause=fresh, action="withdraw")
    assert "fresh" not in _offered(hte_firm)


def test_lifecycle_over_the_page_and_the_api(client, officer, fresh, hte_user):
    catalogue.clause_update(actor=officer, clause=fresh, rule="enterprise.hte")
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    page = client.get(f"/policies/clauses/{fresh.pk}/").content.decode()
    assert 'value="check"' in page and "草稿" in page
    client.post(f"/policies/clauses/{fresh.pk}/state/", {"action": "check"})
    fresh.refresh_from_db()
    assert fresh.state == "checked"
    r = post(client, f"/api/v1/clauses/{fresh.pk}/state", {"action": "publish"})
    assert r.status_code == 200 and r.json()["state"] == "published"
    assert post(client, f"/api/v1/clauses/{fresh.pk}/state", {"action": "publish"}).status_code == 409
    assert post(client, f"/api/v1/clauses/{fresh.pk}/state", {"action": "delete"}).status_code == 422
    client.logout()
    client.login(username="ent", password=DEFAULT_PASSWORD)
    assert post(client, f"/api/v1/clauses/{fresh.pk}/state", {"action": "withdraw"}).status_code == 404
    fresh.refresh_from_db()
    assert fresh.state == "published"


def test_a_withdrawn_apply_clause_takes_no_applications(client, officer, policy, hte_user):
    clause = f.apply_clause(officer, policy, officer.department)
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    item = post(client, f"/api/v1/clauses/{clause.pk}/service-item").json()["code"]
    catalogue.clause_act(actor=officer, clause=clause, action="withdraw")
    client.logout()
    client.login(username="ent", password=DEFAULT_PASSWORD)
    r = post(client, "/api/v1/cases", {"item": item})
    assert r.status_code == 409 and "尚未发布" in r.json()["message"]
    assert not Case.objects.exists()


def test_new_policy_form_renders_its_fields_and_creates(client, officer):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    page = client.get("/policies/").content.decode()
    for name in ("title", "issuer", "issued_on", "doc_no"):
        assert f'name="{name}"' in page, name
    r = client.post("/policies/", {"title": "人才新政", "issuer": "高新区管委会", "issued_on": "2026-03-01"})
    assert r.status_code == 302 and Policy.objects.filter(title="人才新政").exists()


def test_builder_takes_labels_and_refuses_unknown_values():
    assert build([Row("enterprise.size", "in", "小型，微型")]) == 'enterprise.size in ["small", "micro"]'
    assert build([Row("enterprise.size", "==", "small")]) == 'enterprise.size == "small"'
    with pytest.raises(RuleError, match="没有取值“小微”，可选：大型、中型、小型、微型"):
        build([Row("enterprise.size", "in", "小型，小微")])


def test_the_rule_text_refuses_a_label_or_an_unknown_code():
    with pytest.raises(RuleError, match='应写代码 "small"'):
        parse_rule('enterprise.size == "小型"')
    with pytest.raises(RuleError, match="没有取值"):
        parse_rule('enterprise.size in ["small", "tiny"]')
    parse_rule('enterprise.size in ["small", "micro"]')


def test_builder_page_lists_the_labels(client, officer, fresh):
    client.login(username=officer.username, password=DEFAULT_PASSWORD)
    page = client.post("/policies/rules/builder/", {"var0": "enterprise.size"}).content.decode()
    assert 'value="small"> 小型</label>' in page
    r = client.post(
        "/policies/rules/builder/",
        {"var0": "enterprise.size", "op0": "in", "val0": "小型,微型", "join": "all"},
    )
    assert "enterprise.size in [&quot;small&quot;, &quot;micro&quot;]" in r.content.decode()
    r = client.post("/policies/rules/builder/", {"var0": "enterprise.size", "op0": "==", "val0": "特大型"})
    assert "没有取值" in r.content.decode()
