"""The catalogue as a visitor finds it: a theme, then a synonym, then the guide, on a desktop and a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, accessibility_violations, layout_problems, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rows(page) -> list[str]:
    return page.locator("#items tbody tr td:first-child a").all_inner_texts()


@pytest.mark.parametrize("size,label", [(DESKTOP, "1366"), (PHONE, "390")])
def test_visitor_finds_a_service_by_theme_and_synonym(page, zone, size, label):
    page.set_viewport_size(size)
    page.goto(page.base + "/services/")
    assert page.locator("nav.themes h2").all_inner_texts() == ["法人服务", "个人服务"]
    page.click("nav.themes >> text=我要建设项目")
    page.wait_for_load_state("networkidle")
    assert "theme=jianshe" in page.url
    assert page.locator("nav.themes a[aria-current=page]").inner_text() == "我要建设项目"
    listed = rows(page)
    assert "建筑工程施工许可" in listed and "企业设立登记" not in listed and "就业登记" not in listed
    assert layout_problems(page) == [] and accessibility_violations(page) == []
    shot(page, f"catalogue-theme-{label}")

    page.fill("#q", "施工证")  # a word people say, not in the item's name
    # the permit and its on-the-spot change (拿地即开工's 变更) are both what people mean by it
    expect(page.locator("#items tbody tr")).to_have_count(2)
    assert (
        sorted(rows(page)) == ["建筑工程施工许可", "建筑工程施工许可证变更"] and "theme=jianshe" in page.url
    )
    shot(page, f"catalogue-synonym-{label}")

    page.click("nav.themes >> text=全部事项")
    page.wait_for_load_state("networkidle")
    page.fill("#q", "营业执照")  # the licence an item issues finds the item
    expect(page.locator("#items")).to_contain_text("企业设立登记")
    page.fill("#q", "没有这种事项")
    expect(page.locator("#items")).to_contain_text("换个说法")

    page.goto(page.base + "/services/?theme=nope")
    assert "没有“nope”这个主题" in page.locator("#items").inner_text()

    page.goto(page.base + "/services/?theme=jianshe&q=施工证")
    page.click("#items >> text=建筑工程施工许可")
    page.wait_for_load_state("networkidle")
    assert "办事指南" in page.locator("h1").inner_text()
    assert layout_problems(page) == []
    shot(page, f"catalogue-guide-{label}")
