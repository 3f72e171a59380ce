"""The enterprise reads a clause's conditions as sentences with its own figures, on 企业找政策 and on
the clause page, at desktop and phone width; the policy officer also finds the rule code under 高级."""

import datetime as dt

import pytest

from tests.browser.conftest import DESKTOP, PHONE, accessibility_violations, layout_problems, login, shot
from tests.factories import DEFAULT_PASSWORD, department, enterprise_user, staff_user
from tests.policies import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clause():
    from gaoxin.policies.services import catalogue

    officer = staff_user("policy", department("kjj", "科技和工业信息化局"), ["policy_officer"])
    firm = f.enterprise("柳州示例智造科技有限公司", size="micro")
    f.report(firm, 2025, revenue=30_000_000, rd_expense=800_000)
    f.ip(firm, 2025, invention_granted=2)
    enterprise_user("ent", firm.uscc, firm.name)
    policy = catalogue.policy_create(
        actor=officer,
        title="关于支持企业加大研发投入的若干措施",
        issuer="高新区管理委员会",
        issued_on=dt.date(2026, 1, 5),
    )
    clause = catalogue.clause_create(
        actor=officer,
        policy=policy,
        code="rd",
        title="研发投入奖励",
        period=2026,
        rule='enterprise.size in ["small", "micro", "medium"] && ip.invention_granted(2025) >= 1'
        " && data.rd_expense(2025) >= 1000000",
        formula="data.rd_expense(2025) * 0.1",
        notice_days=5,
    )
    return catalogue.clause_check_and_publish(actor=officer, clause=clause)


def test_the_enterprise_reads_its_conditions_in_sentences(page, clause):
    login(page, "ent", DEFAULT_PASSWORD)
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        for url, shot_name in ((f"/policies/clauses/{clause.pk}/", "clause"), ("/policies/mine/", "mine")):
            page.goto(page.base + url)
            text = page.locator("main").inner_text()
            assert "企业规模为小型、微型或中型" in text
            assert "2025 年发明专利授权不少于 1 件" in text and "2 件" in text
            assert "还差 20 万元" in text and "80 万元" in text
            assert "enterprise." not in text and "ip." not in text
            assert layout_problems(page) == [], (url, name)
            assert accessibility_violations(page) == [], (url, name)
            shot(page, f"policies-sentences-{shot_name}-{name}")


def test_the_officer_sees_sentences_and_the_code_under_advanced(page, clause):
    login(page, "policy", DEFAULT_PASSWORD)
    page.goto(page.base + f"/policies/clauses/{clause.pk}/")
    assert page.locator("#clause-rule li").all_inner_texts()[0] == "企业规模为小型、微型或中型"
    assert not page.locator("#clause-cel").is_visible()
    page.click("details.advanced summary")
    assert "ip.invention_granted(2025) >= 1" in page.locator("#clause-cel").inner_text()
    shot(page, "policies-sentences-officer")
