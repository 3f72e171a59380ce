"""The hall's management page in a browser, at 1366 px and at phone width: the administrator reaches
it from the hall page, sets up a 专项窗口 with two items typed as item codes, and sees it listed with
the items' names; a mistyped item code is named on the form."""

import pytest

from gaoxin.govservices.models import Window
from gaoxin.govservices.services import hall
from tests.browser.conftest import DESKTOP, PHONE, accessibility_violations, layout_problems, login, shot
from tests.factories import DEFAULT_PASSWORD
from tests.govservices.builders import zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add_window(page, hall_pk: int, number: str, items: str) -> None:
    section = page.locator("#hall-gxq")
    section.locator("summary", has_text="新设窗口").click()
    page.fill(f"#id_n{hall_pk}-number", number)
    page.select_option(f"#id_n{hall_pk}-kind", "special")
    page.select_option(f"#id_n{hall_pk}-department", "housing")
    page.fill(f"#id_n{hall_pk}-items", items)
    with page.expect_navigation():
        section.locator("button", has_text="新设窗口").click()


@pytest.mark.parametrize("viewport, name", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_an_administrator_adds_a_special_window_with_its_items(page, viewport, name):
    depts, people, _ = zone()
    h = hall.hall_save(actor=people["admin"], code="gxq", name="高新区政务服务中心", district="高新区")
    hall.window_save(actor=people["admin"], hall=h, number="1", department=depts["approval"])
    page.set_viewport_size(viewport)
    login(page, "admin", DEFAULT_PASSWORD)
    page.goto(page.base + "/services/hall/")
    with page.expect_navigation():
        page.click('main a:has-text("大厅与窗口管理")')
    assert page.url.endswith("/services/hall/manage/")
    assert "无差别全科受理" in page.locator("[data-window='1']").inner_text()

    _add_window(page, h.pk, "7", "000000000002\n000000000099")
    assert "000000000099" in page.locator("#hall-gxq .msg-error").inner_text()  # not in the catalogue
    assert not Window.objects.filter(number="7").exists()
    page.fill(f"#id_n{h.pk}-items", "000000000002, 000000000003")
    with page.expect_navigation():
        page.locator("#hall-gxq button", has_text="新设窗口").click()
    card = page.locator("[data-window='7']")
    text = card.inner_text()
    assert "专项窗口" in text and "食品经营许可" in text and "建筑工程施工许可" in text
    assert sorted(Window.objects.get(number="7").items.values_list("code", flat=True)) == [
        "000000000002",
        "000000000003",
    ]
    assert layout_problems(page) == []
    assert accessibility_violations(page) == []
    card.locator("summary", has_text="修改窗口").click()
    shot(page, f"hall-manage-{name}")
