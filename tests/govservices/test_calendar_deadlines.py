"""Deadlines and the calendar (issue 9, #16): a suspended case has no light while its clock is stopped,
and stored deadlines of open cases follow a calendar change, with an event on each case that moved."""

import datetime as dt
import json

import pytest

from gaoxin.core import calendar, clock, services
from gaoxin.core.models import TaskRun
from gaoxin.govservices.models import Case, CaseEvent
from gaoxin.govservices.services.cases import lights_recompute
from tests.govservices.helpers import act, client_for, pdf, submit

pytestmark = pytest.mark.django_db
D = dt.date


def on_day(monkeypatch, day: dt.date):
    monkeypatch.setattr(clock, "_frozen", [clock._as_moment(day)])


def accepted(gz, monkeypatch, day, item="000000000002"):
    on_day(monkeypatch, day)
    number = submit(client_for(gz["p"]["ent"]), item, files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    assert act(client_for(gz["p"]["clerk"]), number, "accept").status_code == 200
    return number


def test_a_suspended_case_does_not_turn_red_while_its_clock_is_stopped(gz, monkeypatch):
    number = accepted(gz, monkeypatch, D(2026, 3, 2))
    reviewer = client_for(gz["p"]["reviewer"])
    r = act(reviewer, number, "suspend", procedure="专家评审", expected_days=20)
    assert r.json()["light"] == ""
    on_day(monkeypatch, D(2026, 3, 20))  # past the committed deadline of 9 March
    lights_recompute()
    case = Case.objects.get(number=number)
    assert case.light == "" and case.due_on < D(2026, 3, 20)
    assert Case.objects.filter(light="red").count() == 0
    inbox = client_for(gz["p"]["reviewer"]).get("/api/v1/cases", {"light": "red", "inbox": "true"}).json()
    assert inbox["items"] == []
    # when the procedure ends the clock runs again with the stopped days added
    r = act(reviewer, number, "resume").json()
    assert (
        r["suspended_days"] == 14
        and r["due_on"] == calendar.add_workdays(D(2026, 3, 2), 19).deadline.isoformat()
    )
    assert r["light"] == "green"


def test_an_override_moves_the_deadlines_of_open_cases_with_an_event(
    gz, monkeypatch, django_capture_on_commit_callbacks
):
    untouched = accepted(gz, monkeypatch, D(2026, 1, 5))  # legal deadline early February
    moved = accepted(gz, monkeypatch, D(2026, 3, 2))
    case = Case.objects.get(number=moved)
    assert case.due_on == D(2026, 3, 9)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=gz["p"]["admin"], date=D(2026, 3, 6), kind="holiday", note="台风停工")
    case.refresh_from_db()
    assert case.due_on == D(2026, 3, 10)
    assert case.legal_due_on == D(2026, 3, 31)
    event = CaseEvent.objects.get(case=case, action="deadline_moved")
    assert event.details["due_on"] == ["2026-03-09", "2026-03-10"]
    assert event.details["legal_due_on"] == ["2026-03-30", "2026-03-31"]
    assert event.actor_name == "系统" and event.to_state == "in_review"
    # a case whose counting window ends before the changed day keeps its deadlines and gets no event
    assert not CaseEvent.objects.filter(case__number=untouched, action="deadline_moved").exists()
    run = TaskRun.objects.get(name="工作日历变更后重算办件期限")
    assert run.status == "succeeded" and run.result["moved"] == 1 and run.result["checked"] == 2
    page = client_for(gz["p"]["ent"]).get(f"/services/cases/{moved}/").content.decode()
    assert "工作日历变更，期限重算" in page and "2026-03-09 → 2026-03-10" in page
    # taking the override back moves it back
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_delete(actor=gz["p"]["admin"], date=D(2026, 3, 6))
    case.refresh_from_db()
    assert case.due_on == D(2026, 3, 9)
    assert CaseEvent.objects.filter(case=case, action="deadline_moved").count() == 2


def test_loading_a_year_recomputes_deadlines_that_reach_into_it(
    gz, monkeypatch, django_capture_on_commit_callbacks
):
    number = accepted(gz, monkeypatch, D(2026, 12, 28))
    case = Case.objects.get(number=number)
    # 29–31 Dec, then 2027 without a notice: 元旦 (Fri) a holiday → 4 and 5 January
    assert case.due_on == D(2027, 1, 5) and case.due_certain is False
    notice = {
        "year": 2027,
        "source": "国务院办公厅通知",
        "holidays": ["2027-01-01..2027-01-04"],
        "workdays": [],
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_year_load(actor=gz["p"]["admin"], text=json.dumps(notice))
    case.refresh_from_db()
    assert case.due_on == D(2027, 1, 6) and case.due_certain is True
    assert CaseEvent.objects.get(case=case, action="deadline_moved").details["due_on"] == [
        "2027-01-05",
        "2027-01-06",
    ]


def test_the_notice_clock_of_a_waiting_case_follows_the_calendar(
    gz, monkeypatch, django_capture_on_commit_callbacks
):
    on_day(monkeypatch, D(2026, 3, 2))
    number = submit(client_for(gz["p"]["clerk"]), "000000000002", applicant="ent", files={1: pdf()}).json()[
        "number"
    ]
    assert Case.objects.get(number=number).notice_due_on == D(2026, 3, 9)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_set(actor=gz["p"]["admin"], date=D(2026, 3, 4), kind="holiday", note="停电")
    assert Case.objects.get(number=number).notice_due_on == D(2026, 3, 10)
