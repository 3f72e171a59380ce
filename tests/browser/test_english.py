"""English mode, as a foreign investor or a visiting official reads the platform: the header's language
switch turns every label of every page in each role's navigation into English — headings, table headers,
form labels, buttons, menu entries, states, choices, placeholders and the page title. What people typed
(enterprise names, policy titles, item names, people) stays as written. The header still fits one row."""

import pytest

from gaoxin.demo import generator
from gaoxin.demo.people import DEMO_PASSWORD
from tests.browser.conftest import (
    DESKTOP,
    chinese_labels,
    layout_problems,
    login,
    nav_links,
    shot,
    switch_language,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["admin", "leader", "clerk", "reviewer", "policy", "finance", "invest", "stats", "ent", "citizen"]


@pytest.fixture
def zone():
    generator.build(seed=11, count=150, log=lambda m: None)


@pytest.mark.parametrize("username", ROLES)
def test_every_nav_page_has_english_labels(page, zone, username):
    page.set_viewport_size(DESKTOP)
    login(page, username, DEMO_PASSWORD)
    switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    links = [href for href in nav_links(page) if not href.startswith("/admin/")]
    assert links, "导航为空"
    found: list[str] = []
    # The header reads as two rows: the brand with the user's links, then the whole menu in one row.
    brand = page.locator("a.brand").bounding_box()
    menu = page.locator("nav.mainnav").bounding_box()
    userbox = page.locator("header.topbar .userbox").bounding_box()
    if menu["height"] >= 2 * brand["height"] or userbox["y"] >= brand["y"] + brand["height"]:
        shot(page, f"english-header-{username}")
        found.append(f"英文页头在 1366 像素宽时折成了多于两行（菜单高 {menu['height']}px）")
    for href in links:
        response = page.goto(page.base + href)
        assert response.status < 400, f"打开 {href} 得到 {response.status}"
        found += [f"{href} 布局: {p}" for p in layout_problems(page)]
        found += [f"{href} 未翻译 {label}" for label in chinese_labels(page)]
    shot(page, f"english-{username}")
    assert not found, "\n".join(found)


def test_language_switch_goes_back_to_chinese(page, zone):
    page.set_viewport_size(DESKTOP)
    login(page, "clerk", DEMO_PASSWORD)
    switch_language(page, "en")
    assert page.locator("button", has_text="Large text").count() == 1
    switch_language(page, "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("button", has_text="大字模式").count() == 1
