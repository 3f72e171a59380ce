"""An officer writes a rule and sees matches and near misses, runs a 免申即享 batch through notice,
the enterprise confirms its account, finance pays and claws back; the ledger reconciles."""

import datetime as dt

import pytest

from gaoxin.policies.models import Award
from tests.browser.conftest import login, shot
from tests.factories import DEFAULT_PASSWORD, department, enterprise_user, staff_user
from tests.policies import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zone():
    from gaoxin.policies.services import catalogue

    officer = staff_user("policy", department("kjj", "科技和工业信息化局"), ["policy_officer"])
    staff_user("finance", department("czj", "财政局"), ["finance_officer"])
    firm = f.enterprise("柳州示例智造科技有限公司", size="small", industry=f.industry("ind1"))
    f.qualify(firm, "hte")
    f.report(firm, 2025, revenue=30_000_000, rd_expense=2_500_000)
    f.report(firm, 2024, revenue=25_000_000)
    near = f.enterprise("柳州差一点电子有限公司", size="small")
    f.report(near, 2025, revenue=9_000_000, rd_expense=1_800_000)
    f.report(near, 2024, revenue=8_000_000)
    f.enterprise("柳州大型机械集团有限公司", size="large")
    enterprise_user("ent", firm.uscc, firm.name)
    policy = catalogue.policy_create(
        actor=officer,
        title="关于支持企业加大研发投入的若干措施",
        issuer="高新区管理委员会",
        issued_on=dt.date(2026, 1, 5),
        doc_no="高新管发〔2026〕1号",
    )
    clause = catalogue.clause_create(
        actor=officer,
        policy=policy,
        code="rd",
        title="研发投入奖励",
        period=2026,
        formula="data.rd_expense(2025) * 0.1",
        notice_days=5,
    )
    catalogue.budget_set(actor=officer, clause=clause, year=2026, amount=1_000_000)
    return clause, firm


def _write_rule(page, rule: str) -> None:
    """Under 高级 the officer types the expression; leaving the box previews it."""
    if not page.locator("#rule").is_visible():
        page.click("text=高级：规则表达式")
    page.fill("#rule", rule)
    page.press("#rule", "Tab")


def test_rule_to_payment_and_clawback(page, zone):
    clause, firm = zone
    login(page, "policy", DEFAULT_PASSWORD)
    page.goto(page.base + f"/policies/clauses/{clause.pk}/rule/")
    _write_rule(page, "enterprise.hte && data.rd_expense(2025) >= 1000000 && growth.revenue_yoy(2025) >= 0.1")
    page.wait_for_function(  # a function, not an expression: the page's CSP forbids eval
        "() => document.querySelector('#match-count')?.textContent == '1'"
    )
    assert page.locator("#near-misses").inner_text().count("柳州差一点电子有限公司") == 1
    near = page.locator("#near-misses").inner_text()
    assert "持有有效的高新技术企业资质" in near and "enterprise." not in near
    assert page.locator("#rule-sentences li").all_inner_texts()[0] == "持有有效的高新技术企业资质"
    shot(page, "policies-rule-editor")
    _write_rule(page, "enterprise.hte && enterprise.turnover > 1")
    page.wait_for_selector("#preview .msg-error")
    assert "未知变量“enterprise.turnover”" in page.locator("#preview").inner_text()
    _write_rule(page, "enterprise.hte && data.rd_expense(2025) >= 1000000 && growth.revenue_yoy(2025) >= 0.1")
    page.wait_for_selector("#match-count")
    page.click("#rule-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "规则已保存" in page.content()

    # a clause reaches enterprises only once checked and published
    page.goto(page.base + f"/policies/clauses/{clause.pk}/")
    page.click("button[value=check]")
    page.wait_for_load_state("networkidle")
    page.click("button[value=publish]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#clause-state").inner_text() == "已发布"
    page.click("text=运行免申即享批次")
    page.wait_for_load_state("networkidle")
    assert "新生成待审核" in page.content()
    shot(page, "policies-batch")

    page.goto(page.base + "/policies/awards/?state=draft")
    page.check(f"input[name=ids][aria-label='{firm.name}']")
    page.click("button[value=approve]")
    page.wait_for_load_state("networkidle")
    assert "已审核通过 1 笔" in page.content()
    page.goto(page.base + "/policies/awards/?state=approved")
    page.check(f"input[name=ids][aria-label='{firm.name}']")
    page.click("button[value=publish]")
    page.wait_for_load_state("networkidle")
    shot(page, "policies-awards")

    page.context.clear_cookies()
    login(page, "ent", DEFAULT_PASSWORD)
    page.goto(page.base + "/policies/mine/")
    card = page.locator(".eligible-clause").first
    assert (
        "研发投入奖励" in card.inner_text()
        and "250,000.00" in card.inner_text()
        and "增长率：20%" in card.inner_text()
    )
    shot(page, "policies-enterprise")
    page.click("a:has-text('确认收款账户')")
    page.fill("#bank_name", "工商银行柳州分行")
    page.fill("#account_no", "6222 0211 0000 1234 567")
    page.click("button:has-text('确认')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#award-state").inner_text() == "企业已确认"

    Award.objects.filter(clause=clause).update(notice_to=dt.date(2020, 1, 1))  # the notice period has passed
    page.context.clear_cookies()
    login(page, "finance", DEFAULT_PASSWORD)
    page.goto(page.base + "/policies/payments/")
    page.click("text=生成拨付批次")
    page.wait_for_load_state("networkidle")
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.reload()
    page.fill(f"input[aria-label='银行流水号 {firm.name}']", "ICBC2026070100001")
    page.click("text=登记已拨付")
    page.wait_for_load_state("networkidle")
    assert page.locator("#batch-state").inner_text() == "已拨付"
    shot(page, "policies-payment")

    page.goto(page.base + "/policies/funds/")
    # shown in 万元 with the unit, the exact yuan on hover
    assert page.locator("#total-paid").inner_text() == "25.00 万元"
    assert page.locator("#total-paid .amount").get_attribute("title") == "250,000.00 元"
    assert page.locator("#reconciled").is_visible()
    # the chart by policy names its unit; hovering a bar shows the exact yuan
    page.wait_for_selector("#chart-funds-policy canvas")
    box = page.locator("#chart-funds-policy").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#chart-funds-policy >> text=250,000.00 元")
    award = Award.objects.get(clause=clause)
    page.goto(page.base + f"/policies/awards/{award.pk}/")
    page.fill("#reason", "审计发现研发费用归集不实")
    page.click("text=登记追回")
    page.wait_for_load_state("networkidle")
    assert page.locator("#award-state").inner_text() == "已追回"
    page.goto(page.base + "/policies/funds/")
    # the recovery is recorded beside what was paid; it does not refill the available budget
    assert page.locator("#total-paid .amount").get_attribute("title") == "250,000.00 元"
    assert page.locator("#total-recovered .amount").get_attribute("title") == "250,000.00 元"
    assert page.locator("#reconciled").is_visible()
    shot(page, "policies-funds")
