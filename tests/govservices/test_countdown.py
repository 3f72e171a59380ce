"""Every deadline in government services reads as a date and working days left or overdue (issue 10)."""

import datetime as dt

import pytest

from gaoxin.core import calendar
from gaoxin.govservices.models import Case
from gaoxin.govservices.services.countdown import countdown
from tests.govservices.helpers import act, client_for, pdf, submit

pytestmark = pytest.mark.django_db
D = dt.date


def test_working_days_left_skip_the_weekend():
    # Friday 6 March 2026 → Tuesday 10 March: Monday and Tuesday are left
    c = countdown(D(2026, 3, 10), D(2026, 3, 6))
    assert (c.workdays, c.overdue) == (2, False)
    assert c.text == "还剩 2 个工作日"


def test_working_days_left_skip_a_statutory_holiday():
    holidays = calendar.statutory_holidays(2026)
    assert D(2026, 10, 1) in holidays
    # 30 September → 9 October: the National Day week is not counted
    c = countdown(D(2026, 10, 9), D(2026, 9, 30))
    expected = sum(1 for i in range(1, 10) if calendar.is_workday(D(2026, 9, 30) + dt.timedelta(days=i))[0])
    assert c.workdays == expected < 9 - 4


def test_overdue_counts_working_days_past_the_deadline():
    c = countdown(D(2026, 3, 6), D(2026, 3, 10))
    assert (c.workdays, c.overdue) == (2, True)
    assert c.text == "已超期 2 个工作日"
    assert countdown(D(2026, 3, 10), D(2026, 3, 10)).text == "今日到期"


def test_case_page_shows_days_left_and_no_supply_form_once_issued(gz):
    ent, clerk = client_for(gz["p"]["ent"]), client_for(gz["p"]["clerk"])
    number = submit(ent, "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()}).json()["number"]
    assert act(clerk, number, "accept").status_code == 200
    page = ent.get(f"/services/cases/{number}/").content.decode()
    assert "还剩" in page.split('id="legal-due"')[1].split("</div>")[0] and 'id="legal-due"' in page
    Case.objects.filter(number=number).update(state=Case.State.ISSUED)
    page = ent.get(f"/services/cases/{number}/").content.decode()
    assert 'data-action="supply"' not in page
    assert "还剩" not in page.split('id="legal-due"')[1].split("</div>")[0]
