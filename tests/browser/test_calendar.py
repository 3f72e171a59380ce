"""The working-day calendar in Chromium: the year grid, clicking a day to override it, the banner about
next year's notice, at a desktop and a phone width."""

import datetime as dt

import pytest

from gaoxin.core import clock
from tests.browser.conftest import DESKTOP, PHONE, accessibility_violations, layout_problems, login, shot
from tests.conftest import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def workdays(page) -> int:
    return int(page.locator("#cal-workdays").inner_text())


def test_click_a_day_override_it_and_see_it_marked(page, admin_user):
    with clock.frozen(dt.date(2026, 11, 20)):
        page.set_viewport_size(DESKTOP)
        login(page, "admin", DEFAULT_PASSWORD)
        page.goto(page.base + "/calendar/")
        assert "2027 年的节假日安排尚未载入" in page.locator("[role=alert]").first.inner_text()
        assert page.locator("table.cal-month").count() == 12
        assert page.locator("#d-2026-02-16").get_attribute("data-mark") == "holiday"
        assert page.locator("#d-2026-02-14").get_attribute("data-mark") == "shift"
        assert page.locator("#d-2026-11-20").get_attribute("class").endswith("today")
        assert layout_problems(page) == [] and accessibility_violations(page) == []
        shot(page, "calendar-desktop")
        before = workdays(page)

        with page.expect_navigation():
            page.locator("#d-2026-03-03 a").click()
        form = page.locator("#day-form")
        assert form.is_visible() and "2026年3月3日" in form.locator("h2").inner_text()
        assert page.get_by_label("不上班（休息日）").is_checked()
        page.get_by_label("调整原因").fill("台风停工")
        assert accessibility_violations(page) == []
        shot(page, "calendar-day-form")
        with page.expect_navigation():
            form.get_by_role("button", name="保存").click()
        assert "已保存工作日调整" in page.locator(".messages").inner_text()
        day = page.locator("#d-2026-03-03")
        assert day.get_attribute("data-mark") == "holiday" and "staff" in day.get_attribute("class")
        assert "改" in day.inner_text() and "台风停工" in page.locator("body").inner_text()
        assert workdays(page) == before - 1

        # an empty reason is refused in place, in Chinese
        with page.expect_navigation():
            page.locator("#d-2026-03-04 a").click()
        with page.expect_navigation():
            page.locator("#day-form").get_by_role("button", name="保存").click()
        assert "请填写调整原因" in page.locator("#day-form").inner_text()

        page.set_viewport_size(PHONE)
        page.goto(page.base + "/calendar/?day=2026-03-03")
        assert layout_problems(page) == [] and accessibility_violations(page) == []
        first, second = (page.locator("table.cal-month").nth(i).bounding_box() for i in (0, 1))
        assert second["y"] >= first["y"] + first["height"], "手机上月份应上下排列"
        shot(page, "calendar-phone")

        with page.expect_navigation():
            page.get_by_role("button", name="撤销人工调整").click()
        assert page.locator("#d-2026-03-03").get_attribute("data-mark") == "workday"
        assert workdays(page) == before


def test_the_calendar_in_english_and_in_large_font_mode(page, admin_user):
    with clock.frozen(dt.date(2026, 11, 20)):
        login(page, "admin", DEFAULT_PASSWORD)
        page.goto(page.base + "/calendar/?day=2026-02-14")
        with page.expect_navigation():
            page.select_option("select[name=language]", "en")
        assert page.locator("html").get_attribute("lang") == "en"
        body = page.locator("main").inner_text()
        assert "Adjusted working day" in body and "Spring Festival" in body and "Mon" in body
        for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
            page.set_viewport_size(size)
            assert layout_problems(page) == []
            shot(page, f"calendar-en-{name}")
        page.set_viewport_size(DESKTOP)
        with page.expect_navigation():
            page.select_option("select[name=language]", "zh-hans")
        with page.expect_navigation():
            page.get_by_role("button", name="大字模式").click()
        assert page.locator("html").get_attribute("class") == "care"
        assert layout_problems(page) == [] and accessibility_violations(page) == []
        shot(page, "calendar-care-desktop")
        page.set_viewport_size(PHONE)
        assert layout_problems(page) == []
        shot(page, "calendar-care-phone")
