"""Working days: chinesecalendar's data, the administrator's overrides, and honesty about unknown years.

A year is *known* when chinesecalendar covers it or a State Council notice for it was loaded
(`gaoxin calendar load`). For an unknown year the statutory holidays that can be dated without a
notice are rest days besides the weekends (元旦, 除夕 and 春节 初一–初三 by the lunar calendar, 清明 by
the solar term, 5月1–2日, 端午 and 中秋 by the lunar calendar, 10月1–3日: 《全国年节及纪念日放假办法》
as amended in 2024), and every answer that touches the year says `certain=False` (the notice may move
days and add 调休 workdays). Each year is kept as a sorted tuple of working days, so adding N
working days is a bisect per year crossed, not a loop over dates."""

from __future__ import annotations

import bisect
import calendar as weeks
import datetime as dt
import threading
import time
from dataclasses import dataclass

import chinese_calendar
from django.db.models import Count, Max
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _
from lunardate import LunarDate

from .errors import ValidationFailed
from .models import CalendarDay, CalendarYear

MAX_WORKDAYS = 3650
# The years the calendar answers for: chinesecalendar's first year, and the last year the lunar
# tables (for the statutory holidays of a year without a notice) reach.
FIRST_YEAR, LAST_YEAR = 2004, 2099
# 国务院办公厅 publishes next year's arrangement from late October to mid-November; from this day
# of the year a next year without one is reported (earlier nobody could load it yet).
NOTICE_EXPECTED = (11, 1)

# Sent after a calendar change committed (an override set or deleted, a year loaded), with
# `years` (the years whose working days may have moved) and `actor`. The pillars that store
# deadlines computed from the calendar listen and recompute them (core never imports them).
changed = Signal()


@dataclass(frozen=True)
class YearDays:
    year: int
    certain: bool
    workdays: tuple[dt.date, ...]


@dataclass(frozen=True)
class Deadline:
    deadline: dt.date
    certain: bool


_cache: dict[int, YearDays] = {}
_cache_stamp: object = None
_stamp_checked = 0.0
_lock = threading.Lock()
# How long a process trusts its cache before re-reading the override tables' stamp: an edit made in
# another process (web worker, task worker) is seen within this many seconds; the editing process
# sees it at once (services call invalidate()).
STAMP_TTL = 1.0


def _library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The statutory holidays of a year that follow from the law alone (no 调休, no bridging days)."""
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    spring = LunarDate(year, 1, 1).to_solar_date()
    for n in range(-1, 3):
        days[spring + dt.timedelta(days=n)] = "春节"
    for day, name in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10)):
        if name == "清明":
            days[day] = "清明节"
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = "劳动节"
    days[LunarDate(year, 5, 5).to_solar_date()] = "端午节"
    days[LunarDate(year, 8, 15).to_solar_date()] = "中秋节"
    for n in (1, 2, 3):
        days[dt.date(year, 10, n)] = "国庆节"
    return days


def _stamp() -> tuple:
    """Changes whenever an override or a loaded year is added, edited or deleted (read at most once per
    STAMP_TTL)."""
    days = CalendarDay.objects.aggregate(m=Max("updated_at"), n=Max("id"), c=Count("id"))
    years = CalendarYear.objects.aggregate(m=Max("loaded_at"), n=Max("id"), c=Count("id"))
    return (days["m"], days["n"], days["c"], years["m"], years["n"], years["c"])


def _build_year(year: int) -> YearDays:
    overrides = {d.date: d.kind for d in CalendarDay.objects.filter(date__year=year).only("date", "kind")}
    library = _library_covers(year)
    certain = library or CalendarYear.objects.filter(year=year).exists()
    guessed = {} if certain else statutory_holidays(year)
    day = dt.date(year, 1, 1)
    workdays = []
    while day.year == year:
        kind = overrides.get(day)
        if kind is not None:
            is_work = kind == CalendarDay.Kind.WORKDAY
        elif library:
            is_work = chinese_calendar.is_workday(day)
        else:
            is_work = day.weekday() < 5 and day not in guessed
        if is_work:
            workdays.append(day)
        day += dt.timedelta(days=1)
    return YearDays(year, certain, tuple(workdays))


class OutOfRange(ValidationFailed):
    """A date, or a deadline counted from one, falls outside FIRST_YEAR..LAST_YEAR."""


def check_year(year: int, field: str = "date") -> None:
    """The one range check of every date the calendar answers for (the lunar tables end in 2099)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise OutOfRange(
            _("工作日历只覆盖 %(a)s—%(b)s 年，%(y)s 年的工作日无法计算")
            % {"a": FIRST_YEAR, "b": LAST_YEAR, "y": year},
            fields={field: _("日期超出范围")},
        )


def year_days(year: int) -> YearDays:
    global _cache_stamp, _stamp_checked
    check_year(year)
    with _lock:
        now = time.monotonic()
        if now - _stamp_checked > STAMP_TTL:
            stamp = _stamp()
            if stamp != _cache_stamp:
                _cache.clear()
                _cache_stamp = stamp
            _stamp_checked = now
        if year not in _cache:
            _cache[year] = _build_year(year)
        return _cache[year]


def invalidate() -> None:
    global _cache_stamp, _stamp_checked
    with _lock:
        _cache.clear()
        _cache_stamp = None
        _stamp_checked = 0.0


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is it a working day, is that certain)."""
    yd = year_days(day.year)
    i = bisect.bisect_left(yd.workdays, day)
    return (i < len(yd.workdays) and yd.workdays[i] == day, yd.certain)


def year_is_known(year: int) -> bool:
    return year_days(year).certain


def add_workdays(start: dt.date, workdays: int) -> Deadline:
    """The date on which the `workdays`-th working day after `start` falls (counting starts the next day)."""
    if workdays < 0 or workdays > MAX_WORKDAYS:
        raise ValueError(workdays)
    if workdays == 0:
        return Deadline(start, True)
    remaining = workdays
    year = start.year
    certain = True
    after = start
    while True:
        yd = year_days(year)
        certain = certain and yd.certain
        i = bisect.bisect_right(yd.workdays, after)
        available = len(yd.workdays) - i
        if remaining <= available:
            return Deadline(yd.workdays[i + remaining - 1], certain)
        remaining -= available
        year += 1
        after = dt.date(year, 1, 1) - dt.timedelta(days=1)


def workdays_between(start: dt.date, end: dt.date) -> tuple[int, bool]:
    """Working days in (start, end]: how many of the clock's days have been used by `end`."""
    if end <= start:
        return 0, True
    count, certain = 0, True
    for year in range(start.year, end.year + 1):
        yd = year_days(year)
        certain = certain and yd.certain
        lo = bisect.bisect_right(yd.workdays, start)
        hi = bisect.bisect_right(yd.workdays, end)
        count += hi - lo
    return count, certain


def missing_years(today: dt.date) -> list[int]:
    """The years the administrators are warned about: this year whenever it has no holiday data, next
    year from NOTICE_EXPECTED on (when its notice is due) while it has none."""
    years = [today.year]
    if (today.month, today.day) >= NOTICE_EXPECTED:
        years.append(today.year + 1)
    return [y for y in years if not year_is_known(y)]


# Holiday names as chinesecalendar gives them, and as the law names them.
_LIBRARY_NAMES = {
    chinese_calendar.Holiday.new_years_day.value: "元旦",
    chinese_calendar.Holiday.spring_festival.value: "春节",
    chinese_calendar.Holiday.tomb_sweeping_day.value: "清明节",
    chinese_calendar.Holiday.labour_day.value: "劳动节",
    chinese_calendar.Holiday.dragon_boat_festival.value: "端午节",
    chinese_calendar.Holiday.national_day.value: "国庆节",
    chinese_calendar.Holiday.mid_autumn_festival.value: "中秋节",
    chinese_calendar.Holiday.anti_fascist_70th_day.value: "抗战胜利70周年纪念日",
}
HOLIDAY_LABELS = {
    "元旦": _("元旦"),
    "春节": _("春节"),
    "清明节": _("清明节"),
    "劳动节": _("劳动节"),
    "端午节": _("端午节"),
    "中秋节": _("中秋节"),
    "国庆节": _("国庆节"),
    "抗战胜利70周年纪念日": _("抗战胜利70周年纪念日"),
}


class Mark:
    """What a day of the grid is."""

    WORKDAY = "workday"  # 工作日: a working weekday
    WEEKEND = "weekend"  # 周末: a Saturday or Sunday off
    HOLIDAY = "holiday"  # 节假日: a day off that is not an ordinary weekend (statutory or arranged)
    SHIFT = "shift"  # 调休上班: a Saturday or Sunday worked


MARK_LABELS = {
    Mark.WORKDAY: _("工作日"),
    Mark.WEEKEND: _("周末"),
    Mark.HOLIDAY: _("法定节假日"),
    Mark.SHIFT: _("调休上班"),
}
MARK_SIGNS = {Mark.HOLIDAY: _("休"), Mark.SHIFT: _("班")}


@dataclass(frozen=True)
class DayMark:
    date: dt.date
    mark: str
    working: bool
    holiday: str  # the holiday's name (a key of HOLIDAY_LABELS), or ""
    by_staff: bool  # a staff member's override decides this day
    note: str  # the override's reason (staff) or the notice's source
    base_working: bool  # what the day would be without the staff override

    @property
    def holiday_label(self):
        return HOLIDAY_LABELS.get(self.holiday, self.holiday)

    @property
    def label(self):
        if self.mark == Mark.HOLIDAY:
            return _("法定节假日") if self.holiday else _("休息日")
        return MARK_LABELS[self.mark]

    @property
    def sign(self):
        """The short text mark shown in the day's cell, so the grid does not rely on colour alone."""
        return MARK_SIGNS.get(self.mark, "")


def _name_runs(days: list[dt.date], working: dict[dt.date, bool], names: dict[dt.date, str]) -> None:
    """Give every day of a run of days off the name of the statutory holiday inside it (a notice names
    its dates, not the bridging days), and a 调休 working day the name of the nearest holiday."""
    run: list[dt.date] = []
    for day in [*days, None]:
        if day is not None and not working[day]:
            run.append(day)
            continue
        named = [names[d] for d in run if d in names]
        if named and len(run) > 2:  # an ordinary weekend beside a single holiday stays a weekend
            for d in run:
                names.setdefault(d, named[0])
        elif named:
            for d in run:
                if d.weekday() < 5 or d in names:
                    names.setdefault(d, named[0])
        run = []


def year_marks(year: int) -> list[DayMark]:
    """Every day of a year as the calendar page shows it: working or not, why, and who decided."""
    yd = year_days(year)
    working_days = set(yd.workdays)
    rows = {r.date: r for r in CalendarDay.objects.filter(date__year=year)}
    library = _library_covers(year)
    days = [
        dt.date(year, 1, 1) + dt.timedelta(n)
        for n in range((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)
    ]
    working = {d: d in working_days for d in days}
    base: dict[dt.date, bool] = {}
    names: dict[dt.date, str] = {}
    guessed = {} if yd.certain else statutory_holidays(year)
    for day in days:
        row = rows.get(day)
        if row is not None and row.notice_kind:
            base[day] = row.notice_kind == CalendarDay.Kind.WORKDAY
        elif row is not None and not row.by_staff:
            base[day] = row.kind == CalendarDay.Kind.WORKDAY
        elif library:
            base[day] = chinese_calendar.is_workday(day)
        else:
            base[day] = day.weekday() < 5 and day not in guessed
        if library:
            name = chinese_calendar.get_holiday_detail(day)[1]
            if name and (not base[day] or day.weekday() >= 5):
                names[day] = _LIBRARY_NAMES.get(name, name)
    if not library:
        statutory = statutory_holidays(year)
        names.update({d: n for d, n in statutory.items() if not base[d]})
        _name_runs(days, base, names)
        for day in days:
            if base[day] and day.weekday() >= 5:
                near = sorted((abs((d - day).days), d) for d in names if not base[d])
                if near and near[0][0] <= 14:
                    names[day] = names[near[0][1]]
    marks = []
    for day in days:
        weekend = day.weekday() >= 5
        is_work = working[day]
        name = names.get(day, "")
        if is_work:
            mark = Mark.SHIFT if weekend else Mark.WORKDAY
        elif weekend and not name:
            mark = Mark.WEEKEND
        else:
            mark = Mark.HOLIDAY
        if mark == Mark.WORKDAY:
            name = ""
        row = rows.get(day)
        by_staff = row is not None and row.by_staff
        marks.append(DayMark(day, mark, is_work, name, by_staff, row.note if row else "", base[day]))
    return marks


def month_weeks(year: int, marks: list[DayMark]) -> list[tuple[dt.date, list[list[DayMark | None]]]]:
    """The year's months as (first day, weeks), Monday first; a week's days outside the month are None."""
    by_date = {m.date: m for m in marks}
    grid = weeks.Calendar(firstweekday=0)
    return [
        (
            dt.date(year, month, 1),
            [
                [by_date[d] if d.month == month else None for d in week]
                for week in grid.monthdatescalendar(year, month)
            ],
        )
        for month in range(1, 13)
    ]


@dataclass(frozen=True)
class HolidayRun:
    label: object
    first: dt.date
    last: dt.date
    days: int


@dataclass(frozen=True)
class YearOverview:
    year: int
    certain: bool
    source: str  # "library" (chinesecalendar), "notice" (loaded), or "" (guessed from the law)
    notice: str  # the loaded notice's source line
    months: list
    workdays: int
    restdays: int
    holidays: list[HolidayRun]
    shifts: list[DayMark]
    overrides: list[DayMark]
    by_date: dict


def year_overview(year: int) -> YearOverview:
    """A year for the calendar page: its months, what kind of data decides it, its holidays, its 调休
    working days and the staff's overrides."""
    marks = year_marks(year)
    loaded = CalendarYear.objects.filter(year=year).first()
    source = "notice" if loaded else ("library" if _library_covers(year) else "")
    runs: list[HolidayRun] = []
    for m in marks:
        if m.mark != Mark.HOLIDAY or not m.holiday:
            continue
        last = runs[-1] if runs else None
        if last and last.label == m.holiday_label and (m.date - last.last).days == 1:
            runs[-1] = HolidayRun(last.label, last.first, m.date, last.days + 1)
        else:
            runs.append(HolidayRun(m.holiday_label, m.date, m.date, 1))
    workdays = sum(1 for m in marks if m.working)
    return YearOverview(
        year=year,
        certain=year_days(year).certain,
        source=source,
        notice=loaded.source if loaded else "",
        months=month_weeks(year, marks),
        workdays=workdays,
        restdays=len(marks) - workdays,
        holidays=runs,
        shifts=[m for m in marks if m.mark == Mark.SHIFT],
        overrides=[m for m in marks if m.by_staff],
        by_date={m.date: m for m in marks},
    )
