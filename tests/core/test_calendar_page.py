"""The administrator's calendar page: a year of month grids, a day's override form, the banner about
next year's notice, and loading a year's notice."""

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from gaoxin.core import calendar, clock
from gaoxin.core.models import AuditEvent, CalendarDay

pytestmark = pytest.mark.django_db

D = dt.date
NOTICE_2027 = {
    "year": 2027,
    "source": "国办发明电〔2026〕测试号",
    "holidays": ["2027-01-01..2027-01-03", "2027-02-05..2027-02-13", "2027-10-01..2027-10-07"],
    "workdays": ["2027-02-14", "2027-09-26", "2027-10-09"],
}


@pytest.fixture
def admin_client(admin_user):
    c = Client()
    c.force_login(admin_user)
    return c


def cell(html: str, day: str) -> str:
    """The grid cell of one day: its classes, its mark and its text."""
    m = re.search(rf'<td class="([^"]*)" id="d-{day}" data-mark="(\w+)">(.*?)</td>', html, re.S)
    assert m, f"no cell for {day}"
    return m.group(2), m.group(1).split(), re.sub(r"<[^>]+>", "", m.group(3))


def workday_count(html: str) -> int:
    return int(re.search(r'id="cal-workdays">(\d+)<', html).group(1))


def load(client, notice) -> None:
    upload = SimpleUploadedFile("notice.json", json.dumps(notice).encode())
    r = client.post("/calendar/", {"action": "load", "load-file": upload})
    assert r.status_code == 302, r.content.decode()[:500]


def test_the_year_is_twelve_monday_first_months_defaulting_to_the_clocks_year(admin_client):
    with clock.frozen(D(2026, 5, 20)):
        html = admin_client.get("/calendar/").content.decode()
    assert "工作日历 · 2026 年" in html
    assert html.count('<table class="cal-month">') == 12
    heads = re.findall(r"<th scope=\"col\" abbr=\"[^\"]+\"[^>]*>(.)</th>", html)[:7]
    assert heads == list("一二三四五六日")
    # 1 January 2026 is a Thursday: the first week of January has three empty days before it
    january = html.split('<table class="cal-month">')[1]
    first_row = january.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.count('class="cal-pad"') == 3
    assert cell(html, "2026-05-20")[1][-1] == "today"


def test_the_2026_spring_festival_and_its_tiaoxiu_days(admin_client):
    html = admin_client.get("/calendar/?year=2026").content.decode()
    for day in ("2026-02-15", "2026-02-16", "2026-02-21", "2026-02-23"):
        mark, _, text = cell(html, day)
        assert mark == "holiday" and "法定节假日 春节" in text and "休" in text
    for day in ("2026-02-14", "2026-02-28"):
        mark, _, text = cell(html, day)
        assert mark == "shift" and "调休上班" in text and "班" in text
    assert cell(html, "2026-02-24")[0] == "workday"
    assert cell(html, "2026-03-07")[0] == "weekend"
    assert "春节</strong> 2月15日—2月23日，9 天" in html
    assert workday_count(html) == len(calendar.year_days(2026).workdays)


def test_a_loaded_notice_is_shown_with_names_for_the_bridging_days(admin_client):
    load(admin_client, NOTICE_2027)
    html = admin_client.get("/calendar/?year=2027").content.decode()
    assert "已载入国务院办公厅通知" in html and "国办发明电〔2026〕测试号" in html
    # 除夕 (5 February) to 13 February: the notice lists dates, the page names the whole run 春节
    for day in ("2027-02-05", "2027-02-10", "2027-02-13"):
        mark, classes, text = cell(html, day)
        assert mark == "holiday" and "春节" in text and "staff" not in classes
    assert cell(html, "2027-02-14")[0] == "shift" and "春节" in cell(html, "2027-02-14")[2]
    assert cell(html, "2027-10-09")[0] == "shift" and "国庆节" in cell(html, "2027-10-09")[2]
    assert cell(html, "2027-10-05")[0] == "holiday"
    assert workday_count(html) == len(calendar.year_days(2027).workdays)
    assert "尚无国务院办公厅的放假通知" not in html


def test_a_year_without_a_notice_says_its_holidays_are_guessed(admin_client):
    html = admin_client.get("/calendar/?year=2028").content.decode()
    assert "2028 年尚无国务院办公厅的放假通知" in html and "不确定" in html
    assert cell(html, "2028-01-26")[0] == "holiday"  # 2028 春节 by the lunar calendar


def test_clicking_a_day_shows_its_form_and_saving_changes_the_working_day_count(admin_client):
    before = workday_count(admin_client.get("/calendar/?year=2026").content.decode())
    page = admin_client.get("/calendar/?day=2026-03-03")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="day-form"' in html and "当前：<strong>工作日</strong>" in html
    assert re.search(r'value="holiday"[^>]*checked', html)  # the other choice is offered
    assert 'class="cal-d k-workday sel"' in html
    r = admin_client.post(
        "/calendar/?day=2026-03-03",
        {"action": "set", "day-date": "2026-03-03", "day-kind": "holiday", "day-note": "台风停工"},
    )
    assert r.status_code == 302 and r["Location"] == "/calendar/?year=2026#d-2026-03-03"
    html = admin_client.get("/calendar/?year=2026").content.decode()
    assert workday_count(html) == before - 1
    mark, classes, text = cell(html, "2026-03-03")
    assert mark == "holiday" and "staff" in classes and "人工调整" in text and "改" in text
    assert "台风停工" in html
    event = AuditEvent.objects.get(action="calendar.override_set")
    assert event.summary["note"] == "台风停工"

    # a Saturday made a working day is a 调休上班 day, marked as the staff's
    r = admin_client.post(
        "/calendar/", {"action": "set", "day-date": "2026-03-07", "day-kind": "workday", "day-note": "补班"}
    )
    html = admin_client.get("/calendar/?year=2026").content.decode()
    assert cell(html, "2026-03-07")[0] == "shift" and workday_count(html) == before

    # undoing the first override gives the day back
    html = admin_client.get("/calendar/?day=2026-03-03").content.decode()
    assert "撤销人工调整" in html and "撤销调整后，这一天恢复为工作日" in html
    r = admin_client.post("/calendar/", {"action": "delete", "date": "2026-03-03"})
    assert r.status_code == 302
    html = admin_client.get("/calendar/?year=2026").content.decode()
    assert cell(html, "2026-03-03")[0] == "workday" and workday_count(html) == before + 1


def test_undoing_an_override_of_a_notice_day_gives_the_notice_back(admin_client):
    load(admin_client, NOTICE_2027)
    admin_client.post(
        "/calendar/",
        {"action": "set", "day-date": "2027-02-14", "day-kind": "holiday", "day-note": "取消补班"},
    )
    assert calendar.is_workday(D(2027, 2, 14)) == (False, True)
    html = admin_client.get("/calendar/?day=2027-02-14").content.decode()
    assert "撤销调整后，这一天恢复为工作日" in html
    admin_client.post("/calendar/", {"action": "delete", "date": "2027-02-14"})
    assert calendar.is_workday(D(2027, 2, 14)) == (True, True)
    mark, classes, _ = cell(admin_client.get("/calendar/?year=2027").content.decode(), "2027-02-14")
    assert mark == "shift" and "staff" not in classes


@pytest.mark.parametrize(
    "query, message",
    [
        ("?day=2026-02-30", "日期应为 YYYY-MM-DD 格式的有效日期"),
        ("?day=yesterday", "日期应为 YYYY-MM-DD 格式的有效日期"),
        ("?year=abc", "年份应为整数"),
        ("?year=1900", "工作日历只覆盖 2004—2099 年"),
        ("?day=1999-01-01", "工作日历只覆盖 2004—2099 年"),
    ],
)
def test_a_bad_address_is_a_chinese_400_with_the_page(admin_client, query, message):
    r = admin_client.get("/calendar/" + query)
    assert r.status_code == 400
    html = r.content.decode()
    assert message in html and '<table class="cal-month">' in html


@pytest.mark.parametrize(
    "data, message",
    [
        ({"day-date": "2026-03-03", "day-kind": "holiday", "day-note": ""}, "请填写调整原因"),
        ({"day-date": "2026-03-03", "day-kind": "holiday", "day-note": "   "}, "请填写调整原因"),
        ({"day-date": "2026-03-03", "day-kind": "holiday", "day-note": "因" * 101}, "不能超过 100 个字"),
        ({"day-date": "2026-03-03", "day-kind": "maybe", "day-note": "x"}, "请选择上班或不上班"),
        ({"day-date": "2026-03-03", "day-kind": "workday", "day-note": "x"}, "本来就是工作日，无需调整"),
        ({"day-date": "2026-02-30", "day-kind": "holiday", "day-note": "x"}, "日期应为 YYYY-MM-DD"),
        ({"day-date": "1899-01-02", "day-kind": "holiday", "day-note": "x"}, "工作日历只覆盖 2004—2099 年"),
    ],
)
def test_a_bad_override_is_a_chinese_400_and_changes_nothing(admin_client, data, message):
    r = admin_client.post("/calendar/?day=2026-03-03", {"action": "set", **data})
    assert r.status_code == 400
    assert message in r.content.decode()
    assert (
        not CalendarDay.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="calendar").exists()
    )


def test_a_bad_date_to_undo_is_a_chinese_400(admin_client):
    r = admin_client.post("/calendar/", {"action": "delete", "date": "2026-13-01"})
    assert r.status_code == 400 and "日期应为 YYYY-MM-DD 格式的有效日期" in r.content.decode()


def test_the_banner_for_next_year_appears_in_november_and_goes_once_loaded(admin_client):
    banner = "2027 年的节假日安排尚未载入"
    with clock.frozen(D(2026, 10, 31)):
        assert banner not in admin_client.get("/calendar/").content.decode()
        assert banner not in admin_client.get("/").content.decode()
    with clock.frozen(D(2026, 11, 1)):
        html = admin_client.get("/calendar/").content.decode()
        assert banner in html and "gaoxin calendar load" in html and 'href="#load"' in html
        assert banner in admin_client.get("/").content.decode()
        load(admin_client, NOTICE_2027)
        assert banner not in admin_client.get("/calendar/").content.decode()
        assert banner not in admin_client.get("/").content.decode()


def test_the_banner_for_this_year_shows_all_year(admin_client):
    with clock.frozen(D(2027, 3, 1)):
        assert "2027 年的节假日安排尚未载入" in admin_client.get("/calendar/").content.decode()


def test_loading_a_year_file_from_the_page_and_a_bad_file(admin_client):
    bad = SimpleUploadedFile("y.json", b"{oops", content_type="application/json")
    r = admin_client.post("/calendar/", {"action": "load", "load-file": bad})
    assert r.status_code == 400 and "不是有效的 JSON" in r.content.decode()
    assert not calendar.year_is_known(2027)
    load(admin_client, {"year": 2027, "holidays": ["2027-01-01"], "workdays": []})
    assert calendar.year_is_known(2027)


def test_a_user_without_the_permission_can_neither_see_nor_override(clerk):
    c = Client()
    c.force_login(clerk)
    assert c.get("/calendar/").status_code == 403
    assert c.get("/calendar/?day=2026-03-03").status_code == 403
    r = c.post(
        "/calendar/", {"action": "set", "day-date": "2026-03-03", "day-kind": "holiday", "day-note": "x"}
    )
    assert r.status_code == 403
    r = c.post("/calendar/", {"action": "delete", "date": "2026-03-03"})
    assert r.status_code == 403
    assert not CalendarDay.objects.exists()
    assert calendar.is_workday(D(2026, 3, 3)) == (True, True)


def test_the_page_in_english(admin_client):
    admin_client.cookies["django_language"] = "en"
    with translation.override("zh-hans"):  # the request switches the thread to English; put it back
        html = admin_client.get("/calendar/?year=2026", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Spring Festival" in html and "Adjusted working day" in html and "Mon" in html
