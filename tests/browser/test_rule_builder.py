"""The policy officer builds “企业规模为小型或微型 且 上一年度营业收入不少于 500 万元” by clicking Chinese
labels, watches the count and the near misses follow, saves, and reads the rule back as sentences."""

import datetime as dt

import pytest

from tests.browser.conftest import DESKTOP, PHONE, accessibility_violations, layout_problems, login, shot
from tests.factories import DEFAULT_PASSWORD, department, staff_user
from tests.policies import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clause():
    from gaoxin.core import clock
    from gaoxin.policies.services import catalogue

    last = clock.today().year - 1
    officer = staff_user("policy", department("kjj", "科技和工业信息化局"), ["policy_officer"])
    f.report(f.enterprise("小而强科技有限公司", size="small"), last, revenue=6_000_000)
    f.report(f.enterprise("微型差一点有限公司", size="micro"), last, revenue=4_800_000)
    f.report(f.enterprise("大型制造有限公司", size="large"), last, revenue=900_000_000)
    policy = catalogue.policy_create(
        actor=officer,
        title="关于支持小微企业发展的若干措施",
        issuer="高新区管理委员会",
        issued_on=dt.date(2026, 1, 5),
    )
    return catalogue.clause_create(
        actor=officer,
        policy=policy,
        code="sme",
        title="小微企业成长奖励",
        period=2026,
        rule="enterprise.listed",
        formula="100000",
    )


def _settled(page):
    """htmx has swapped in the answer and wired its elements (a change made earlier would be lost)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def _count(page, n: str):
    page.wait_for_function(f"() => (document.querySelector('#match-count') || {{}}).textContent == '{n}'")
    _settled(page)


def test_the_officer_builds_a_rule_by_clicking_and_sees_count_and_near_misses(page, clause):
    login(page, "policy", DEFAULT_PASSWORD)
    page.goto(page.base + f"/policies/clauses/{clause.pk}/rule/")
    page.select_option("#var0", label="企业规模")
    page.wait_for_selector("#vals0-small")
    _settled(page)
    assert page.locator("#op0 option").all_inner_texts() == ["是其中之一", "不是其中之一"]
    assert "micro" not in page.locator("#row0").inner_text()
    page.check("#vals0-small")
    _count(page, "1")
    page.check("#vals0-micro")
    _count(page, "2")
    page.click("text=添加条件")
    page.wait_for_selector("#var1")
    _settled(page)
    page.select_option("#var1", label="营业收入（元），按年度")
    page.wait_for_selector("#val1")
    _settled(page)
    assert page.locator("#year1 option:checked").inner_text().startswith("上一年度")
    assert page.locator("#op1 option:checked").inner_text() == "不少于"
    assert page.locator("#scale1 option:checked").inner_text() == "万元"
    page.fill("#val1", "500")
    page.press("#val1", "Tab")
    _count(page, "1")
    assert page.locator("#rule-sentences li").all_inner_texts()[0] == "企业规模为小型或微型"
    assert page.locator("#rule-sentences li").all_inner_texts()[1].endswith("营业收入不少于 500 万元")
    near = page.locator("#near-misses").inner_text()
    assert "微型差一点有限公司" in near and "480 万元" in near and "还差 20 万元" in near
    page.fill("#val1", "五百")
    page.press("#val1", "Tab")
    page.wait_for_selector("#err1")
    assert "“五百”不是数字" in page.locator("#err1").inner_text()
    page.fill("#val1", "500")
    page.press("#val1", "Tab")
    _count(page, "1")
    with page.expect_navigation():  # Enter builds and tries the match; it does not remove a row
        page.press("#val1", "Enter")
    assert page.locator("#var1").count() == 1 and page.locator("#match-count").inner_text() == "1"
    # axe runs last before saving: it marks elements the next swap would carry over
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        assert layout_problems(page) == [], name
        assert accessibility_violations(page) == [], name
        shot(page, f"policies-rule-builder-{name}")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert page.locator("#clause-rule li").all_inner_texts()[0] == "企业规模为小型或微型"
    shot(page, "policies-rule-builder-saved")


def test_the_batch_result_page_points_to_award_review(page, clause):
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from gaoxin.core import clock
    from gaoxin.policies.models import Clause
    from gaoxin.policies.services import catalogue, money

    last = clock.today().year - 1
    Clause.objects.filter(pk=clause.pk).update(rule=f"data.revenue({last}) >= 5000000", mode="auto")
    clause.refresh_from_db()
    officer = get_user_model().objects.get(username="policy")
    catalogue.budget_set(actor=officer, clause=clause, year=2026, amount=Decimal("1000000"))
    clause = catalogue.clause_check_and_publish(actor=officer, clause=clause)
    run = money.award_batch_start(actor=officer, clause=clause)
    login(page, "policy", DEFAULT_PASSWORD)
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.goto(page.base + f"/policies/clauses/{clause.pk}/batch/?run={run.pk}")
        assert (
            "已生成 2 条待审核奖励，下一步：到 奖励审核 逐条核定" in page.locator("#next-step").inner_text()
        )
        assert layout_problems(page) == [], name
        assert accessibility_violations(page) == [], name
        shot(page, f"policies-batch-result-{name}")
    with page.expect_navigation():
        page.click("#next-step >> text=去奖励审核")
    assert "大型制造有限公司" in page.locator("main").inner_text()
