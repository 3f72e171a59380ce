"""Writes on the core: the working-day calendar's overrides and loaded years."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit, calendar
from .errors import PermissionDenied, ValidationFailed
from .models import CalendarDay, CalendarYear


def _announce_change(actor, year: int) -> None:
    """Drop the cached years now and at commit; once committed, tell the listeners which year moved."""
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate)
    transaction.on_commit(lambda: calendar.changed.send(sender=CalendarDay, years=[year], actor=actor))


def _require_calendar_admin(actor) -> None:
    if actor is not None and not actor.has_perm("core.manage_calendar"):
        raise PermissionDenied("只有系统管理员可以修改工作日历")


REASON_MAX = 100


def _check_day(date) -> None:
    if not isinstance(date, dt.date):
        raise ValidationFailed(_("请填写日期"), fields={"date": _("日期无效")})
    calendar.check_year(date.year)


@transaction.atomic
def calendar_day_set(*, actor, date: dt.date, kind: str, note: str = "") -> CalendarDay:
    """A staff member decides one day: working or not, and why. An override of a loaded notice's day
    keeps the notice's arrangement beside it (calendar_day_delete gives it back)."""
    _require_calendar_admin(actor)
    _check_day(date)
    if kind not in CalendarDay.Kind.values:
        raise ValidationFailed("类型应为“休息日”或“工作日”", fields={"kind": "取值不正确"})
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("请填写调整原因"), fields={"note": _("请填写调整原因")})
    if len(note) > REASON_MAX:
        too_long = _("调整原因不能超过 %(n)s 个字") % {"n": REASON_MAX}
        raise ValidationFailed(too_long, fields={"note": too_long})
    previous = CalendarDay.objects.select_for_update().filter(date=date).first()
    if previous is None or not previous.by_staff:
        working = calendar.is_workday(date)[0]
        if working == (kind == CalendarDay.Kind.WORKDAY):
            same = (
                _("%(date)s 本来就是工作日，无需调整") if working else _("%(date)s 本来就是休息日，无需调整")
            )
            raise ValidationFailed(same % {"date": date.isoformat()}, fields={"kind": _("与当前安排相同")})
    notice_kind = previous.notice_kind if previous else ""
    day = CalendarDay.objects.update_or_create(
        date=date, defaults={"kind": kind, "note": note, "by_staff": True, "notice_kind": notice_kind}
    )[0]
    audit.record(
        actor=actor,
        action="calendar.override_set",
        obj=day,
        summary={"date": date.isoformat(), "kind": [previous.kind if previous else None, kind], "note": note},
    )
    _announce_change(actor, date.year)
    return day


@transaction.atomic
def calendar_day_delete(*, actor, date: dt.date) -> None:
    """Remove a staff override: the day is again what the loaded notice or the built-in data says."""
    _require_calendar_admin(actor)
    day = CalendarDay.objects.select_for_update().filter(date=date, by_staff=True).first()
    if day is None:
        return
    audit.record(actor=actor, action="calendar.override_delete", obj=day, summary={"date": date.isoformat()})
    if day.notice_kind:
        loaded = CalendarYear.objects.filter(year=date.year).first()
        day.kind, day.by_staff = day.notice_kind, False
        day.note = "调休" if day.kind == CalendarDay.Kind.WORKDAY else (loaded.source[:100] if loaded else "")
        day.save()
    else:
        day.delete()
    _announce_change(actor, date.year)


def parse_notice(text: str) -> tuple[int, list[dt.date], list[dt.date], str]:
    """Parse a year's notice file: JSON {"year", "source", "holidays": [...], "workdays": [...]}.

    Dates are ISO dates or ranges "2027-10-01..2027-10-07". Every date must lie in the year."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"文件不是有效的 JSON：第{exc.lineno}行 {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("year"), int):
        raise ValidationFailed("文件须包含整数字段 year")
    year = data["year"]

    def expand(items, label):
        days = []
        for item in items or []:
            try:
                if isinstance(item, str) and ".." in item:
                    a, b = (dt.date.fromisoformat(x.strip()) for x in item.split(".."))
                    if b < a:
                        raise ValueError
                    days.extend(a + dt.timedelta(n) for n in range((b - a).days + 1))
                else:
                    days.append(dt.date.fromisoformat(str(item)))
            except ValueError as exc:
                raise ValidationFailed(f"{label}中的日期“{item}”无法识别，应为 YYYY-MM-DD 或 起..止") from exc
        wrong = [d for d in days if d.year != year]
        if wrong:
            raise ValidationFailed(f"{label}中的 {wrong[0]} 不属于 {year} 年")
        return days

    holidays = expand(data.get("holidays"), "休息日")
    workdays = expand(data.get("workdays"), "调休工作日")
    both = set(holidays) & set(workdays)
    if both:
        raise ValidationFailed(f"{min(both)} 同时出现在休息日和调休工作日中")
    bad_workdays = [d for d in workdays if d.weekday() < 5]
    if bad_workdays:
        raise ValidationFailed(f"调休工作日 {bad_workdays[0]} 不是周末，无需列出")
    return year, sorted(holidays), sorted(workdays), str(data.get("source", ""))[:200]


@transaction.atomic
def calendar_year_load(*, actor, path: Path | None = None, text: str | None = None) -> CalendarYear:
    """Load one year's holidays and 调休 workdays; replaces that year's earlier overrides."""
    _require_calendar_admin(actor)
    if text is None:
        if path is None:
            raise ValidationFailed("请提供放假通知文件", fields={"file": "必填"})
        text = Path(path).read_text("utf-8")
    year, holidays, workdays, source = parse_notice(text)
    calendar.check_year(year, "year")
    HOLIDAY, WORKDAY = CalendarDay.Kind.HOLIDAY, CalendarDay.Kind.WORKDAY
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=d, kind=HOLIDAY, note=source[:100], by_staff=False, notice_kind=HOLIDAY)
            for d in holidays
        ]
        + [
            CalendarDay(date=d, kind=WORKDAY, note="调休", by_staff=False, notice_kind=WORKDAY)
            for d in workdays
        ]
    )
    loaded = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})[0]
    audit.record(
        actor=actor,
        action="calendar.year_load",
        obj=loaded,
        summary={"year": year, "holidays": len(holidays), "workdays": len(workdays), "source": source},
    )
    _announce_change(actor, year)
    return loaded
