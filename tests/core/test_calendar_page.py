"""The administrator's calendar page: warns about a missing year, edits days, loads a year's notice."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gaoxin.core import calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user):
    c = Client()
    c.force_login(admin_user)
    return c


def test_page_and_home_warn_that_next_years_calendar_is_missing(admin_client):
    next_year = timezone.localdate().year + 1
    if calendar.year_is_known(next_year):
        pytest.fail("this test assumes next year's holidays are not yet shipped by chinesecalendar")
    page = admin_client.get("/calendar/").content.decode()
    assert f"{next_year} 年的节假日安排尚未载入" in page
    home = admin_client.get("/").content.decode()
    assert f"{next_year} 年的节假日安排尚未载入" in home


def test_marking_a_day_as_holiday_from_the_page(admin_client):
    r = admin_client.post(
        "/calendar/", {"action": "set", "day-date": "2026-03-03", "day-kind": "holiday", "day-note": "台风"}
    )
    assert r.status_code == 302
    assert calendar.is_workday(dt.date(2026, 3, 3)) == (False, True)
    assert "台风" in admin_client.get("/calendar/").content.decode()


def test_loading_a_year_file_from_the_page_and_a_bad_file(admin_client):
    year = timezone.localdate().year + 1
    bad = SimpleUploadedFile("y.json", b"{oops", content_type="application/json")
    r = admin_client.post("/calendar/", {"action": "load", "load-file": bad})
    assert r.status_code == 200 and "不是有效的 JSON" in r.content.decode()
    good = json.dumps({"year": year, "holidays": [f"{year}-01-01"], "workdays": []}).encode()
    r = admin_client.post("/calendar/", {"action": "load", "load-file": SimpleUploadedFile("y.json", good)})
    assert r.status_code == 302 and calendar.year_is_known(year)
    assert f"{year} 年的节假日安排尚未载入" not in admin_client.get("/calendar/").content.decode()
