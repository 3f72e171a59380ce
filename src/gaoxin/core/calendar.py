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
import datetime as dt
import threading
import time
from dataclasses import dataclass

import chinese_calendar
from django.db.models import Count, Max
from django.dispatch import Signal
from lunardate import LunarDate

from .models import CalendarDay, CalendarYear

MAX_WORKDAYS = 3650

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


def year_days(year: int) -> YearDays:
    global _cache_stamp, _stamp_checked
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
    """This year and next year, whichever has no holiday data yet (the admin page warns about them)."""
    return [y for y in (today.year, today.year + 1) if not year_is_known(y)]
