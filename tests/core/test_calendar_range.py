"""The calendar answers for FIRST_YEAR..LAST_YEAR (the lunar tables for the holidays of a year without
a notice end in 2099). Every way a date reaches it — the two API operations, the calendar page's
address and override form, a deadline that runs past the last year — gets the same Chinese 4xx at the
edges, never a 500 (a fuzzer found `start=2200-11-24` raising inside the lunar library)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.core import calendar
from gaoxin.core.models import CalendarDay

pytestmark = pytest.mark.django_db
MESSAGE = "工作日历只覆盖 2004—2099 年"
EDGES = [calendar.FIRST_YEAR - 1, calendar.FIRST_YEAR, calendar.LAST_YEAR, calendar.LAST_YEAR + 1, 1900, 2200]


def _inside(year: int) -> bool:
    return calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR


@pytest.mark.parametrize("year", EDGES)
def test_api_deadline_and_day_at_the_edges(client, year):
    start = dt.date(year, 6, 1)
    r = client.get("/api/v1/calendar/deadline", {"start": start.isoformat(), "workdays": 5})
    d = client.get("/api/v1/calendar/day", {"date": start.isoformat()})
    if _inside(year):
        assert r.status_code == 200 and dt.date.fromisoformat(r.json()["deadline"]) > start
        assert d.status_code == 200
    else:
        for answer, field in ((r, "start"), (d, "date")):
            assert answer.status_code == 422, answer.content
            assert MESSAGE in answer.json()["message"] and field in answer.json()["fields"]


def test_a_deadline_running_past_the_last_year_is_refused_not_a_500(client):
    start = dt.date(calendar.LAST_YEAR, 12, 1)
    r = client.get("/api/v1/calendar/deadline", {"start": start.isoformat(), "workdays": 60})
    assert r.status_code == 422 and "2100 年的工作日无法计算" in r.json()["message"]
    ok = client.get("/api/v1/calendar/deadline", {"start": start.isoformat(), "workdays": 10})
    assert ok.status_code == 200


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    workdays=st.integers(min_value=0, max_value=calendar.MAX_WORKDAYS),
)
def test_any_start_and_count_gives_a_date_or_a_chinese_refusal(start, workdays):
    try:
        result = calendar.add_workdays(start, workdays)
    except calendar.OutOfRange as exc:
        assert MESSAGE in exc.message
        assert not _inside(start.year) or workdays > 0
    else:
        assert _inside(start.year) or workdays == 0
        assert result.deadline >= start


@pytest.mark.parametrize("year", EDGES)
def test_the_calendar_page_and_its_override_form_at_the_edges(admin_client, year):
    page = admin_client.get(f"/calendar/?year={year}")
    form = admin_client.post(
        "/calendar/?day=2026-03-03",
        {"action": "set", "day-date": f"{year}-03-03", "day-kind": "holiday", "day-note": "边界"},
    )
    if _inside(year):
        assert page.status_code == 200
        assert form.status_code in (200, 302)
    else:
        assert page.status_code == 400 and MESSAGE in page.content.decode()
        assert form.status_code == 400 and MESSAGE in form.content.decode()
        assert not CalendarDay.objects.filter(date__year=year).exists()
