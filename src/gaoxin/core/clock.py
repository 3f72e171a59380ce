"""The one clock every service reads: `now()` and `today()` in the zone's time (Asia/Shanghai).

Tests and the demo simulation set it for a block — `with clock.frozen(dt.date(2020, 6, 1)): …` — and
may move it inside the block with `clock.travel(…)`. The setting is process-wide (not per thread), so a
live test server or worker thread started inside the block sees the same day. Outside a block the clock
is the system's."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

# A frozen date starts at this hour of the zone's day: inside working hours, as a clerk's action would.
FROZEN_HOUR = 9

_lock = threading.Lock()
_frozen: list[dt.datetime] = []  # a stack, so blocks nest


def now() -> dt.datetime:
    """The current moment, aware."""
    return _frozen[-1] if _frozen else timezone.now()


def today() -> dt.date:
    """The current date in the zone's time zone."""
    return timezone.localdate(now())


def _as_moment(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time(FROZEN_HOUR)))


@contextmanager
def frozen(value: dt.date | dt.datetime) -> Iterator[None]:
    """Set the clock to `value` (a date means its FROZEN_HOUR o'clock) for the block."""
    with _lock:
        _frozen.append(_as_moment(value))
    try:
        yield
    finally:
        with _lock:
            _frozen.pop()


def travel(value: dt.date | dt.datetime | dt.timedelta) -> dt.datetime:
    """Move the frozen clock to a moment, or forward by a delta; only inside a `frozen` block."""
    with _lock:
        if not _frozen:
            raise RuntimeError("clock.travel() needs a clock.frozen() block")
        _frozen[-1] = _frozen[-1] + value if isinstance(value, dt.timedelta) else _as_moment(value)
        return _frozen[-1]


def is_frozen() -> bool:
    return bool(_frozen)
