"""Reads of the service hall: halls and windows (reference data), appointments and tickets (scoped to
the user), the hall screen (no personal data) and the waiting-time statistics."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from django.db import models
from django.db.models import QuerySet

from gaoxin.core import clock
from gaoxin.core.errors import NotFound

from .models import Appointment, Hall, Ticket, Window
from .services.common import text


def hall_list() -> QuerySet[Hall]:
    return Hall.objects.all()


def hall_get(*, code: str) -> Hall:
    hall = Hall.objects.filter(code=text(code, 20)).first()
    if hall is None:
        raise NotFound("未找到该政务服务大厅")
    return hall


def window_list(*, hall: Hall, closed: bool = False) -> QuerySet[Window]:
    """The hall's open windows; with `closed`, the closed ones too (for the hall's management)."""
    qs = hall.windows.all() if closed else hall.windows.filter(active=True)
    return qs.select_related("department", "clerk").prefetch_related("items")


def window_get(*, hall: Hall, number: str) -> Window:
    window = window_list(hall=hall, closed=True).filter(number=text(number, 10)).first()
    if window is None:
        raise NotFound("未找到该窗口")
    return window


def seat_of(user) -> Window | None:
    """The window the clerk is seated at now, if any."""
    if not getattr(user, "pk", None):
        return None
    return Window.objects.select_related("hall", "department").filter(clerk_id=user.pk, active=True).first()


def appointment_list(*, user) -> QuerySet[Appointment]:
    return Appointment.objects.visible_to(user).select_related("hall", "item")


def appointment_get(*, user, pk: int) -> Appointment:
    found = appointment_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该预约，或您无权查看")
    return found


def ticket_list(*, user, hall: Hall | None = None, day: dt.date | None = None) -> QuerySet[Ticket]:
    qs = Ticket.objects.visible_to(user).select_related("hall", "item", "window", "case")
    if hall is not None:
        qs = qs.filter(hall=hall)
    if day is not None:
        qs = qs.filter(day=day)
    return qs


def ticket_get(*, user, pk: int) -> Ticket:
    found = ticket_list(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该排队号，或您无权查看")
    return found


def queue_for(*, window: Window) -> QuerySet[Ticket]:
    """The waiting tickets of today this window may serve: appointments first, then by number."""
    qs = Ticket.objects.filter(hall_id=window.hall_id, day=clock.today(), state=Ticket.State.WAITING)
    if window.kind == Window.Kind.SPECIAL:
        qs = qs.filter(item__in=window.items.all())
    walk_in = models.Case(models.When(appointment__isnull=True, then=1), default=0)
    return qs.select_related("item").annotate(walk_in=walk_in).order_by("walk_in", "seq")


def hall_screen(*, hall: Hall) -> dict:
    """What the hall's screen shows: the tickets being called and how many wait. Numbers and windows
    only — nothing that names a person."""
    today = clock.today()
    called = (
        Ticket.objects.filter(hall=hall, day=today, state=Ticket.State.CALLED)
        .select_related("window")
        .order_by("-called_at", "-id")[:8]
    )
    waiting = Ticket.objects.filter(hall=hall, day=today, state=Ticket.State.WAITING).count()
    return {
        "hall": hall.name,
        "day": today.isoformat(),
        "at": clock.now().strftime("%H:%M:%S"),
        "calling": [{"number": t.number, "window": t.window.number if t.window else ""} for t in called],
        "waiting": waiting,
    }


def p90(values: list[float]) -> float:
    """The 90th percentile by the nearest-rank method: the smallest value at least 90% of the values
    do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _figures(values: list[float]) -> dict:
    if not values:
        return {"count": 0, "average": None, "p90": None}
    return {
        "count": len(values),
        "average": round(sum(values) / len(values), 1),
        "p90": round(p90(values), 1),
    }


def wait_stats(*, user, hall: Hall, start: dt.date, end: dt.date, by: str = "day") -> list[dict]:
    """Average and 90th-percentile waiting time (取号 → 叫号) and service time (叫号 → 办结), in
    minutes, per day, window or item. Waiting counts every called ticket (a 过号 too); service only
    the tickets done."""
    key = {
        "day": lambda t: (t.day.isoformat(), t.day.isoformat()),
        "window": lambda t: (t.window.number if t.window else "", f"{t.window}" if t.window else "—"),
        "item": lambda t: (t.item.code, t.item.name),
    }.get(by)
    if key is None:
        by, key = "day", lambda t: (t.day.isoformat(), t.day.isoformat())
    tickets = ticket_list(user=user, hall=hall).filter(day__gte=start, day__lte=end, called_at__isnull=False)
    waits: dict[tuple[str, str], list[float]] = defaultdict(list)
    services: dict[tuple[str, str], list[float]] = defaultdict(list)
    for t in tickets:
        k = key(t)
        waits[k].append(t.wait_minutes or 0.0)
        if t.state == Ticket.State.DONE and t.service_minutes is not None:
            services[k].append(t.service_minutes)
    return [
        {"key": k[0], "label": k[1], "wait": _figures(waits[k]), "service": _figures(services[k])}
        for k in sorted(waits)
    ]
