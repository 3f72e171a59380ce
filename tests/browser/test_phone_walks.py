"""Each role's main task walked at phone width (390×844) by clicking through the burger menu, in one demo
zone: the citizen applies and sees the case in 我的办件, the clerk accepts it, the reviewer and the approver
give their opinion and decision, finance makes a payment batch, the leader sees the charts drawn, the
investment officer moves a project one stage, the statistician accepts a submitted report. Every page on
the way keeps the site layout, is no wider than the phone and has no serious axe-core violation."""

import pytest

from gaoxin.demo import generator
from gaoxin.demo.people import DEMO_PASSWORD
from gaoxin.policies.models import Award
from tests.browser.conftest import PHONE, accessibility_violations, click_nav, layout_problems, login, shot
from tests.browser.test_govservices import state, upload
from tests.factories import enterprise_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "临时占用城市道路许可"  # open to citizens, reviewed by the approval department's reviewer


def check(page) -> None:
    """The page a person just reached is tidy and accessible on the phone."""
    page.wait_for_load_state("networkidle")
    where = page.url.removeprefix(page.base)
    assert page.locator("header.topbar").count() == 1 and page.locator("main").count() == 1, where
    assert layout_problems(page) == [], where
    assert accessibility_violations(page) == [], where


def menu(page, label: str) -> None:
    """Open the burger menu, then the entry (inside its drop-down when it is in one)."""
    page.click("label.nav-burger")
    click_nav(page, label)
    check(page)


def follow(page, locator) -> None:
    with page.expect_navigation():
        locator.click()
    check(page)


def submit(page, locator) -> None:
    with page.expect_navigation():
        locator.click()
    check(page)
    errors = page.locator(".msg-error, [role=alert]")
    assert errors.count() == 0, errors.all_inner_texts()


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username, DEMO_PASSWORD)
    check(page)


def case_from_inbox(page, number: str) -> None:
    menu(page, "待办件")
    follow(page, page.locator("main a", has_text=number).first)
    assert number in page.locator("h1").inner_text()


def citizen_applies(page) -> str:
    sign_in(page, "citizen")
    menu(page, "办事服务")
    page.fill("#q", "linshizhanyong")
    page.wait_for_function("() => document.querySelectorAll('#items tbody tr').length === 1")
    check(page)
    follow(page, page.locator("#items a", has_text=ITEM).first)
    assert "办事指南" in page.locator("h1").inner_text()
    follow(page, page.locator("main a", has_text="在线申请"))
    page.fill("[name=project]", "高新区科技大道管线检修临时占道")
    page.fill("[name=address]", "高新区科技大道 1 号")
    for order in (1, 2):
        upload(page, f"#file_{order}")
    submit(page, page.locator("main form.card button[type=submit]"))
    number = page.locator("h1 small").inner_text()
    assert state(page) == "待受理"
    menu(page, "我的办件")
    assert page.locator("main", has_text=number).count() == 1
    shot(page, "phone-walk-citizen")
    return number


def clerk_accepts(page, number: str) -> None:
    sign_in(page, "clerk")
    case_from_inbox(page, number)
    submit(page, page.locator("form[data-action=accept] button[type=submit]"))
    assert state(page) == "审查中"
    shot(page, "phone-walk-clerk")


def reviewer_and_approver_decide(page, number: str) -> None:
    sign_in(page, "reviewer")
    case_from_inbox(page, number)
    form = page.locator("form[data-action=review]")
    form.locator("[name=opinion]").fill("占道范围和时间符合规定")
    submit(page, form.locator("button[type=submit]"))
    shot(page, "phone-walk-reviewer")
    sign_in(page, "approver")
    case_from_inbox(page, number)
    form = page.locator("form[data-action=approve]")
    form.locator("[name=opinion]").fill("准予临时占用")
    submit(page, form.locator("button[type=submit]"))
    assert state(page) == "准予许可"
    shot(page, "phone-walk-approver")


def award_ready_to_pay() -> Award:
    """One demo award taken through review, 公示 and the enterprise's confirmation, its notice over."""
    import datetime as dt

    from gaoxin.accounts.models import User
    from gaoxin.policies.services import money

    award = (
        Award.objects.filter(state=Award.State.DRAFT).select_related("enterprise").order_by("amount").first()
    )
    officer = User.objects.get(username="policy")
    money.award_approve(actor=officer, award=award)
    money.awards_publish(actor=officer, awards=[Award.objects.get(pk=award.pk)])
    payee = User.objects.filter(enterprise_uscc=award.enterprise.uscc).first() or enterprise_user(
        "payee", award.enterprise.uscc, award.enterprise.name
    )
    money.award_confirm(
        actor=payee,
        award=Award.objects.get(pk=award.pk),
        bank_name="工商银行柳州分行",
        account_name=award.enterprise.name,
        account_no="6222021100001234567",
    )
    Award.objects.filter(pk=award.pk).update(notice_to=dt.date(2020, 1, 1))
    return award


def finance_makes_a_batch(page) -> None:
    award = award_ready_to_pay()
    sign_in(page, "finance")
    menu(page, "政策资金")
    follow(page, page.locator("main a", has_text="拨付批次"))
    submit(page, page.locator("main button", has_text="生成拨付批次"))
    assert award.enterprise.name in page.locator("main").inner_text()
    shot(page, "phone-walk-finance")


def leader_sees_charts(page) -> None:
    sign_in(page, "leader")
    page.wait_for_selector("#chart-industry canvas, #chart-industry svg")
    menu(page, "经济运行")
    page.wait_for_selector(".chart canvas, .chart svg")
    shot(page, "phone-walk-leader")


def invest_moves_a_project(page) -> None:
    sign_in(page, "invest")
    menu(page, "招商引资")
    row = page.locator("main tbody tr", has=page.locator(".tag", has_text="线索")).first
    name = row.locator("a").first.inner_text()
    follow(page, row.locator("a").first)
    assert name in page.locator("h1").inner_text()
    submit(page, page.locator("#move-form button[value=talk]"))
    assert page.locator("#project-stage").inner_text() == "洽谈"
    shot(page, "phone-walk-invest")


def stats_accepts_a_report(page) -> None:
    sign_in(page, "stats")
    menu(page, "企业报表")
    follow(page, page.locator("main a[href*='/enterprises/reports/']").first)
    assert page.locator("#report-state").inner_text() == "已报送"
    submit(page, page.locator("main button[value=accept]"))
    assert page.locator("#report-state").inner_text() == "已审核"
    shot(page, "phone-walk-stats")


def test_each_role_walks_its_main_task_on_a_phone(page):
    generator.build(seed=11, count=150, log=lambda m: None)
    page.set_viewport_size(PHONE)
    number = citizen_applies(page)
    clerk_accepts(page, number)
    reviewer_and_approver_decide(page, number)
    finance_makes_a_batch(page)
    leader_sees_charts(page)
    invest_moves_a_project(page)
    stats_accepts_a_report(page)
