"""Stored deadlines of open cases follow the calendar: after a year is loaded or an override saved,
a task recomputes them and writes a timeline event on every case whose deadline moved."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gaoxin.core import calendar, clock
from gaoxin.core.tasks import Progress, tracked_task

from ..models import Case, CaseEvent
from .cases import NOTICE_DAYS, set_deadlines
from .common import actor_name, light_for

FIELDS = ("due_on", "due_certain", "legal_due_on", "notice_due_on", "light")


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _affected(years: list[int]):
    """Open cases whose counting window may touch one of `years`: accepted (or submitted) no later
    than the last year's end, with a deadline not before the first year's start."""
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
    return (
        Case.objects.filter(state__in=Case.OPEN_STATES, submitted_at__date__lte=last)
        .filter(
            Q(due_on__gte=first)
            | Q(legal_due_on__gte=first)
            | Q(legal_due_on__isnull=True, accepted_on__isnull=False)
            | Q(notice_due_on__gte=first)
        )
        .order_by("pk")
    )


def recompute_case(case: Case, today: dt.date) -> dict | None:
    """Recompute one locked case's deadlines; the changes (old → new) or None when nothing moved."""
    before = {f: getattr(case, f) for f in FIELDS}
    if case.accepted_on is not None:
        set_deadlines(case)
    if case.state == Case.State.SUBMITTED and case.notice_due_on is not None:
        start = case.events.filter(action__in=("submit", "resubmit")).order_by("-at", "-id").first()
        received = timezone.localdate(start.at if start else case.submitted_at)
        case.notice_due_on = calendar.add_workdays(received, NOTICE_DAYS).deadline
    case.light = "" if case.clock_stopped else light_for(case.due_on, today)
    moved = {
        f: [_iso(before[f]), _iso(getattr(case, f))] for f in ("due_on", "legal_due_on", "notice_due_on")
    }
    moved = {f: v for f, v in moved.items() if v[0] != v[1]}
    if not moved and all(before[f] == getattr(case, f) for f in FIELDS):
        return None
    case.save(update_fields=list(FIELDS))
    if moved:
        CaseEvent.objects.create(
            case=case,
            at=clock.now(),
            actor=None,
            actor_name=actor_name(None),
            action="deadline_moved",
            label="工作日历变更，期限重算",
            from_state=case.state,
            to_state=case.state,
            details=moved,
        )
    return moved


@tracked_task("工作日历变更后重算办件期限")
def case_deadlines_recompute(run: Progress, years: list[int]) -> dict:
    calendar.invalidate()
    today = clock.today()
    pks = list(_affected(years).values_list("pk", flat=True))
    run.update(0, len(pks))
    moved = 0
    for i, pk in enumerate(pks, 1):
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=pk, state__in=Case.OPEN_STATES).first()
            if case is not None:
                case = Case.objects.select_related("version").get(pk=pk)
                if recompute_case(case, today):
                    moved += 1
        if i % 100 == 0:
            run.update(i)
    run.update(len(pks), message=f"期限变动的办件 {moved} 件")
    return {"years": years, "checked": len(pks), "moved": moved}


def on_calendar_changed(sender, years, actor=None, **kwargs) -> None:
    """calendar.changed receiver: queue the recompute (after commit; at once in the immediate backend)."""
    case_deadlines_recompute.start(user=actor, years=sorted(set(years)))
