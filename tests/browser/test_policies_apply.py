"""A 申报 clause: the officer publishes it as a service item, the eligible enterprise sees 在线申报 and
submits through the government-services application form."""

import datetime as dt

import pytest

from gaoxin.govservices.models import Case
from tests.browser.conftest import login, shot
from tests.factories import DEFAULT_PASSWORD, department, enterprise_user, staff_user
from tests.policies import factories as f

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clause():
    from gaoxin.policies.services import catalogue

    kjj = department("kjj", "科技和工业信息化局")
    officer = staff_user("policy", kjj, ["policy_officer"])
    staff_user("kjj-reviewer", kjj, ["reviewer"])
    firm = f.enterprise("柳州示例智造科技有限公司", size="small", industry=f.industry("ind1"))
    f.qualify(firm, "hte")
    f.report(firm, 2025, revenue=30_000_000, rd_expense=2_500_000)
    enterprise_user("ent", firm.uscc, firm.name)
    policy = catalogue.policy_create(
        actor=officer,
        title="关于支持企业加大研发投入的若干措施",
        issuer="高新区管理委员会",
        issued_on=dt.date(2026, 1, 5),
    )
    return f.apply_clause(officer, policy, kjj)


def test_officer_publishes_and_the_enterprise_applies_online(page, clause):
    login(page, "policy", DEFAULT_PASSWORD)
    page.goto(f"{page.base}/policies/clauses/{clause.pk}/")
    page.click("button:has-text('发布为办事事项')")
    page.wait_for_load_state("networkidle")
    assert "已发布为办事事项" in page.content()
    shot(page, "policies-apply-published")
    clause.refresh_from_db()
    assert clause.service_code

    page.context.clear_cookies()
    login(page, "ent", DEFAULT_PASSWORD)
    page.goto(f"{page.base}/policies/mine/")
    link = page.locator("a.apply-online")
    assert link.count() == 1
    link.click()
    page.wait_for_load_state("networkidle")
    for order in (1, 2):
        page.set_input_files(
            f"#file_{order}", files=[{"name": "申报.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
    shot(page, "policies-apply-form")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")
    case = Case.objects.get()
    assert case.item.code == clause.service_code and case.department.code == "kjj"
    assert case.number in page.locator("h1").inner_text()
    shot(page, "policies-apply-case")
