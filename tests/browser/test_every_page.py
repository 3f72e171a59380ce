"""Every page in every user's navigation, in Chromium, at a desktop and a phone width: it loads inside the
site's layout without an error or a request to another host (the page fixture fails the test on any
external request, script error or blocked content), no page is wider than the window, axe-core finds no
serious or critical accessibility violation."""

import pytest

from gaoxin.demo import generator
from gaoxin.demo.people import DEMO_PASSWORD
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    accessibility_violations,
    layout_problems,
    login,
    nav_links,
    shot,
    tables_outside_wrap,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["admin", "leader", "clerk", "reviewer", "policy", "finance", "invest", "stats", "ent", "citizen"]


@pytest.fixture
def zone():
    generator.build(seed=11, count=150, log=lambda m: None)


def _visit(page, href: str) -> None:
    response = page.goto(page.base + href)
    assert response.status < 400, f"打开 {href} 得到 {response.status}"
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("username", ROLES)
def test_every_nav_page_is_tidy_and_accessible(page, zone, username):
    page.set_viewport_size(DESKTOP)
    login(page, username, DEMO_PASSWORD)
    # Django's admin (系统管理, the system administrator's data tool) has its own layout, in Chinese.
    links = [href for href in nav_links(page) if not href.startswith("/admin/")]
    assert links, "导航为空"
    found: list[str] = []
    for href in links:
        _visit(page, href)
        found += [f"{href} 桌面: {p}" for p in layout_problems(page)]
        found += [f"{href} 无障碍: {v}" for v in accessibility_violations(page)]
    shot(page, f"nav-{username}")
    page.set_viewport_size(PHONE)
    for href in links:
        _visit(page, href)
        found += [f"{href} 手机: {p}" for p in layout_problems(page)]
        if tables_outside_wrap(page):
            found.append(f"{href} 手机: {tables_outside_wrap(page)} 张表格不在 .table-wrap 里，会撑宽页面")
    shot(page, f"phone-{username}")
    assert not found, "\n".join(found)


def test_mobile_layout_collapses_the_navigation(page, zone):
    page.set_viewport_size(PHONE)
    login(page, "admin", DEMO_PASSWORD)
    assert not page.locator("nav.mainnav").is_visible()
    page.click("label.nav-burger")
    assert page.locator("nav.mainnav").is_visible()
    assert page.locator("nav.mainnav details.menu").count() >= 2
    page.locator("nav.mainnav details.menu summary").first.click()
    assert page.locator("nav.mainnav details.menu[open] a").first.is_visible()
    assert layout_problems(page) == []
    shot(page, "mobile-admin")


def test_busiest_menu_fits_one_row_and_opens_by_keyboard(page, zone):
    page.set_viewport_size(DESKTOP)
    login(page, "admin", DEMO_PASSWORD)
    top = page.locator("nav.mainnav").bounding_box()
    brand = page.locator("a.brand").bounding_box()
    assert top["height"] < 2 * brand["height"] + 8, "菜单在 1366 像素宽时折成了多行"
    page.locator("nav.mainnav details.menu summary").first.focus()
    page.keyboard.press("Enter")
    first_entry = page.locator("nav.mainnav details.menu[open] .menu-items a").first
    assert first_entry.is_visible()
    page.keyboard.press("Escape")
    assert page.locator("nav.mainnav details.menu[open]").count() == 0
    shot(page, "menu-admin")


def test_error_pages_and_care_mode_in_the_browser(page, zone):
    page.set_viewport_size(DESKTOP)
    response = page.goto(page.base + "/no-such-page/")
    assert response.status == 404
    assert "页面不存在" in page.locator("h1").inner_text()
    assert page.locator("header.topbar a", has_text="登录").count() == 1
    assert accessibility_violations(page) == []
    with page.expect_navigation():
        page.click("button:has-text('大字模式')")
    assert page.locator("html").get_attribute("class") == "care"
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size >= 18
    login(page, "clerk", DEMO_PASSWORD)
    assert page.locator("html").get_attribute("class") == "care"
    assert accessibility_violations(page) == []
    shot(page, "care-clerk")


@pytest.mark.parametrize("username", ["leader", "clerk", "ent", "policy"])
def test_phone_and_large_text_pages_are_accessible(page, zone, username):
    """axe-core at a phone's width, then in the large-text, high-contrast mode chosen from the header."""
    page.set_viewport_size(PHONE)
    login(page, username, DEMO_PASSWORD)
    links = [href for href in nav_links(page) if not href.startswith("/admin/")]
    found: list[str] = []
    for href in links:
        _visit(page, href)
        found += [f"{href} 手机无障碍: {v}" for v in accessibility_violations(page)]
    page.set_viewport_size(DESKTOP)
    with page.expect_navigation():
        page.click("header.topbar button:has-text('大字模式')")
    assert page.locator("html").get_attribute("class") == "care"
    for href in links:
        _visit(page, href)
        found += [f"{href} 大字模式: {p}" for p in layout_problems(page)]
        found += [f"{href} 大字模式无障碍: {v}" for v in accessibility_violations(page)]
    shot(page, f"care-{username}")
    page.set_viewport_size(PHONE)
    shot(page, f"care-phone-{username}")
    assert not found, "\n".join(found)
