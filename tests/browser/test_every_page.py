"""Every page in every user's navigation loads in Chromium without an error, a broken layout or a
request to another host (the page fixture fails the test on any external request)."""

import pytest

from gaoxin.demo import generator
from gaoxin.demo.people import DEMO_PASSWORD
from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zone():
    generator.build(seed=11, count=150, log=lambda m: None)


@pytest.mark.parametrize(
    "username",
    ["admin", "leader", "clerk", "reviewer", "policy", "finance", "invest", "stats", "ent", "citizen"],
)
def test_every_nav_page_loads(page, zone, username):
    login(page, username, DEMO_PASSWORD)
    links = page.eval_on_selector_all("nav.mainnav a", "els => els.map(e => e.getAttribute('href'))")
    assert links, "导航为空"
    for href in links:
        response = page.goto(page.base + href)
        assert response.status < 400, f"{username} 打开 {href} 得到 {response.status}"
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() >= 1, f"{href} 没有标题"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{href} 横向溢出 {overflow}px"
    shot(page, f"nav-{username}")


def test_mobile_layout_collapses_the_navigation(page, zone):
    page.set_viewport_size({"width": 390, "height": 800})
    login(page, "clerk", DEMO_PASSWORD)
    assert not page.locator("nav.mainnav").is_visible()
    page.click("label.nav-burger")
    assert page.locator("nav.mainnav").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    shot(page, "mobile-clerk")
