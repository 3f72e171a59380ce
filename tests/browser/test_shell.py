"""The UI shell in a real browser: logins, home page per kind of user, charts, no external request."""

import pytest

from gaoxin.demo.people import DEMO_PASSWORD
from tests.browser.conftest import click_nav, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_logs_in_and_sees_the_staff_workbench(page, zone):
    login(page, "clerk", DEMO_PASSWORD)
    assert page.locator("h1").inner_text().startswith("工作台")
    assert "窗口受理员" in page.locator("body").inner_text()
    assert page.locator("nav.mainnav a", has_text="企业名录").count() == 1
    shot(page, "home-clerk")
    click_nav(page, "企业名录")
    page.wait_for_selector("table tbody tr")
    assert page.locator("table tbody tr").count() == 30
    total_before = page.locator("#rows .list-count").inner_text()
    with page.expect_response(lambda r: "q=liuzhou" in r.url):
        page.fill("#q", "liuzhou")
    page.wait_for_function(
        "t => document.querySelector('#rows .list-count').innerText !== t", arg=total_before
    )
    assert page.locator("#rows tbody tr").count() >= 1
    assert "liuzhou" in page.url
    shot(page, "enterprise-list")


def test_enterprise_user_sees_its_enterprise_and_nothing_else(page, zone):
    login(page, "ent", DEMO_PASSWORD)
    body = page.locator("body").inner_text()
    assert "我的企业" in body and "统一社会信用代码" in body
    assert page.locator("nav.mainnav a", has_text="企业名录").count() == 0
    shot(page, "home-enterprise")
    page.goto(page.base + "/enterprises/")
    assert "企业名录" not in page.locator("h1").inner_text() or page.locator("table tbody tr").count() <= 1


def test_leader_sees_charts_drawn_from_local_echarts(page, zone):
    login(page, "leader", DEMO_PASSWORD)
    page.wait_for_selector("#chart-industry canvas")
    assert page.locator("#chart-size canvas").count() == 1
    # this year's cases month by month, and the on-time rate
    page.wait_for_selector("#chart-cases canvas")
    page.wait_for_selector("#chart-on-time canvas")
    assert "在册企业" in page.locator("body").inner_text()
    shot(page, "home-leader")


def test_wrong_password_gives_a_chinese_message_and_locks_after_five(page, zone):
    for _ in range(5):
        login(page, "reviewer", "wrong-password")
        assert (
            "用户名或密码不正确" in page.locator("[role=alert]").inner_text()
            or "锁定" in page.locator("[role=alert]").inner_text()
        )
    login(page, "reviewer", DEMO_PASSWORD)
    assert "锁定" in page.locator("[role=alert]").inner_text()
    shot(page, "login-locked")


def test_language_switch_to_english(page, zone):
    login(page, "clerk", DEMO_PASSWORD)
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Workbench" in page.locator("h1").inner_text()
