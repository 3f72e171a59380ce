import datetime as dt
import json

import pytest

from gaoxin.core import calendar, services
from gaoxin.core.errors import PermissionDenied, ValidationFailed
from gaoxin.core.models import AuditEvent, CalendarDay

D = dt.date


@pytest.mark.django_db
class TestDeadlines:
    def test_national_day_and_tiaoxiu_saturday(self):
        # 2025-10-01..08 are holidays and Saturday 10-11 is a 调休 workday
        assert calendar.add_workdays(D(2025, 9, 30), 3) == calendar.Deadline(D(2025, 10, 11), True)

    def test_counting_starts_the_day_after(self):
        # Monday + 1 working day = Tuesday
        assert calendar.add_workdays(D(2026, 3, 2), 1).deadline == D(2026, 3, 3)

    def test_spring_festival_2026(self):
        # 2026-02-14 (Sat) is a 调休 workday; 02-15..23 are holidays
        assert calendar.add_workdays(D(2026, 2, 13), 1).deadline == D(2026, 2, 14)
        assert calendar.add_workdays(D(2026, 2, 14), 1).deadline == D(2026, 2, 24)

    def test_twenty_working_days_spanning_the_year_end_is_uncertain_in_2027(self):
        result = calendar.add_workdays(D(2026, 12, 20), 20)
        assert result.certain is False
        # 2026-12-21..31: 9 workdays (Mon-Fri); in 2027 (no notice yet) 元旦 (Friday 1 January) is a
        # holiday besides the weekends: 11 more from 4 January → 2027-01-18
        assert result.deadline == D(2027, 1, 18)

    def test_a_whole_year_of_workdays(self):
        days = calendar.year_days(2025).workdays
        assert (
            len(days) == 248
        )  # 2025: 365 days − 104 weekend days − 15 holiday weekdays + 2 调休... as published
        assert calendar.workdays_between(D(2024, 12, 31), D(2025, 12, 31)) == (len(days), True)
        assert calendar.add_workdays(D(2024, 12, 31), len(days)).deadline == days[-1]

    def test_zero_workdays_is_start(self):
        assert calendar.add_workdays(D(2026, 5, 1), 0).deadline == D(2026, 5, 1)

    def test_override_moves_deadline_and_is_audited(self, admin_user):
        before = calendar.add_workdays(D(2026, 3, 2), 1).deadline
        services.calendar_day_set(actor=admin_user, date=D(2026, 3, 3), kind="holiday", note="台风停工")
        assert calendar.add_workdays(D(2026, 3, 2), 1).deadline == before + dt.timedelta(days=1)
        assert calendar.is_workday(D(2026, 3, 3)) == (False, True)
        assert AuditEvent.objects.filter(action="calendar.override_set").count() == 1
        services.calendar_day_delete(actor=admin_user, date=D(2026, 3, 3))
        assert calendar.add_workdays(D(2026, 3, 2), 1).deadline == before

    def test_only_admins_edit_the_calendar(self, clerk):
        with pytest.raises(PermissionDenied):
            services.calendar_day_set(actor=clerk, date=D(2026, 3, 3), kind="holiday")

    def test_loading_2027_makes_it_certain(self, admin_user):
        assert calendar.missing_years(D(2026, 11, 22)) == [2027]
        notice = {
            "year": 2027,
            "source": "测试通知",
            "holidays": ["2027-01-01", "2027-02-05..2027-02-13"],
            "workdays": ["2027-02-14"],
        }
        services.calendar_year_load(actor=admin_user, text=json.dumps(notice))
        assert calendar.missing_years(D(2026, 11, 22)) == []
        assert calendar.is_workday(D(2027, 2, 14)) == (True, True)
        assert calendar.is_workday(D(2027, 2, 8)) == (False, True)
        assert calendar.add_workdays(D(2026, 12, 31), 1) == calendar.Deadline(D(2027, 1, 4), True)

    @pytest.mark.parametrize(
        "notice, message",
        [
            ("{", "JSON"),
            ('{"year": "2027"}', "year"),
            ('{"year": 2027, "holidays": ["2027-13-01"]}', "无法识别"),
            ('{"year": 2027, "holidays": ["2026-12-31"]}', "不属于"),
            ('{"year": 2027, "holidays": ["2027-02-14"], "workdays": ["2027-02-14"]}', "同时出现"),
            ('{"year": 2027, "workdays": ["2027-02-15"]}', "不是周末"),
        ],
    )
    def test_bad_notice_files_are_refused_whole(self, admin_user, notice, message):
        with pytest.raises(ValidationFailed, match=message):
            services.calendar_year_load(actor=admin_user, text=notice)
        assert not calendar.year_is_known(2027)


@pytest.mark.django_db
def test_calendar_command_loads_a_file(tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "2027.json"
    path.write_text(json.dumps({"year": 2027, "holidays": ["2027-01-01"], "workdays": []}), "utf-8")
    call_command("calendar", "load", str(path))
    assert calendar.year_is_known(2027)
    call_command("calendar", "deadline", "2026-12-31", "1")
    assert "2027-01-04 确定" in capsys.readouterr().out


@pytest.mark.django_db
class TestYearWithoutNotice:
    """For a year without a notice the statutory holidays the law fixes (solar and lunar dates) are
    rest days, marked uncertain; other weekdays stay working days."""

    @pytest.mark.parametrize(
        "day",
        [
            D(2027, 1, 1),  # 元旦 (Friday)
            D(2027, 2, 5),  # 除夕
            D(2027, 2, 8),  # 正月初三 (Monday)
            D(2027, 4, 5),  # 清明 (solar term, Monday)
            D(2027, 6, 9),  # 端午 (五月初五, Wednesday)
            D(2027, 9, 15),  # 中秋 (八月十五, Wednesday)
            D(2027, 10, 1),
            D(2027, 10, 2),
            D(2027, 10, 3),
            D(2028, 5, 1),  # 劳动节 (Monday)
            D(2028, 5, 2),  # the second day added in 2025 (Tuesday)
            D(2028, 1, 26),  # 2028 春节 (Wednesday)
        ],
    )
    def test_statutory_holiday_is_a_rest_day_not_certain(self, day):
        assert calendar.is_workday(day) == (False, False)

    @pytest.mark.parametrize("day", [D(2027, 2, 9), D(2027, 5, 3), D(2027, 10, 4), D(2027, 6, 10)])
    def test_other_weekdays_stay_working_days_not_certain(self, day):
        assert calendar.is_workday(day) == (True, False)

    def test_the_guessed_holidays_match_a_year_with_data(self):
        # 2026 has a notice (chinesecalendar): every day the rule guesses was indeed a holiday
        guessed = calendar.statutory_holidays(2026)
        assert len(guessed) == 13  # 13 statutory days since 2025
        assert [d for d in guessed if calendar.is_workday(d)[0]] == []

    def test_a_loaded_notice_replaces_the_guess(self, admin_user):
        notice = {"year": 2027, "source": "测试", "holidays": ["2027-01-01..2027-01-03"], "workdays": []}
        services.calendar_year_load(actor=admin_user, text=json.dumps(notice))
        assert calendar.is_workday(D(2027, 1, 1)) == (False, True)
        # the notice does not list 中秋: it is what the notice says, now certain
        assert calendar.is_workday(D(2027, 9, 15)) == (True, True)


@pytest.mark.django_db
class TestOverrides:
    """A staff override says why, changes something, and can be undone back to the notice's day."""

    NOTICE = {
        "year": 2027,
        "source": "测试通知",
        "holidays": ["2027-02-05..2027-02-13"],
        "workdays": ["2027-02-14"],
    }

    @pytest.mark.parametrize(
        "note, message", [("", "请填写调整原因"), ("  ", "请填写调整原因"), ("长" * 101, "100")]
    )
    def test_a_reason_is_required_and_short(self, admin_user, note, message):
        with pytest.raises(ValidationFailed, match=message):
            services.calendar_day_set(actor=admin_user, date=D(2026, 3, 3), kind="holiday", note=note)
        assert calendar.is_workday(D(2026, 3, 3)) == (True, True)

    def test_an_override_that_changes_nothing_is_refused(self, admin_user):
        with pytest.raises(ValidationFailed, match="本来就是休息日"):
            services.calendar_day_set(actor=admin_user, date=D(2026, 2, 16), kind="holiday", note="春节")
        with pytest.raises(ValidationFailed, match="工作日历只覆盖"):
            services.calendar_day_set(actor=admin_user, date=D(2003, 3, 3), kind="holiday", note="x")

    def test_undoing_an_override_of_a_notice_day_restores_the_notice(self, admin_user):
        services.calendar_year_load(actor=admin_user, text=json.dumps(self.NOTICE))
        day = services.calendar_day_set(
            actor=admin_user, date=D(2027, 2, 14), kind="holiday", note="取消补班"
        )
        assert (day.by_staff, day.notice_kind) == (True, "workday")
        assert calendar.is_workday(D(2027, 2, 14)) == (False, True)
        services.calendar_day_delete(actor=admin_user, date=D(2027, 2, 14))
        assert calendar.is_workday(D(2027, 2, 14)) == (True, True)
        restored = CalendarDay.objects.get(date=D(2027, 2, 14))
        assert (restored.by_staff, restored.kind, restored.note) == (False, "workday", "调休")
        # a notice's own day is not a staff override: "undoing" it does nothing
        services.calendar_day_delete(actor=admin_user, date=D(2027, 2, 8))
        assert calendar.is_workday(D(2027, 2, 8)) == (False, True)
        assert AuditEvent.objects.filter(action="calendar.override_delete").count() == 1

    def test_the_marks_of_a_loaded_year(self, admin_user):
        services.calendar_year_load(actor=admin_user, text=json.dumps(self.NOTICE))
        services.calendar_day_set(actor=admin_user, date=D(2027, 3, 3), kind="holiday", note="停电")
        marks = {m.date: m for m in calendar.year_marks(2027)}
        assert (marks[D(2027, 2, 6)].mark, marks[D(2027, 2, 6)].holiday) == ("holiday", "春节")  # a Saturday
        assert (marks[D(2027, 2, 14)].mark, marks[D(2027, 2, 14)].holiday) == ("shift", "春节")
        assert (marks[D(2027, 3, 3)].mark, marks[D(2027, 3, 3)].by_staff, marks[D(2027, 3, 3)].note) == (
            "holiday",
            True,
            "停电",
        )
        assert marks[D(2027, 3, 3)].base_working and not marks[D(2027, 3, 3)].holiday
        assert marks[D(2027, 3, 6)].mark == "weekend"
        assert sum(m.working for m in marks.values()) == len(calendar.year_days(2027).workdays)
