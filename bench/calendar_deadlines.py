"""Working-day deadlines: the cached bisect of core.calendar against a naive day-by-day loop over
chinesecalendar, on the same 20,000 (start, N) pairs, in one run.

    GAOXIN_DATA_DIR=/tmp/gaoxin-bench .venv/bin/python bench/calendar_deadlines.py [--small]

(--small: 500 pairs, seconds; run by tests/bench/test_small.py)

Prints per-call times (median, p95) for both and their ratio, and checks they agree."""

import datetime as dt
import os
import platform
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
os.environ.setdefault("GAOXIN_DATA_DIR", "/tmp/gaoxin-bench")

import django  # noqa: E402

django.setup()

import chinese_calendar  # noqa: E402
from django.core.management import call_command  # noqa: E402

from gaoxin.core import calendar  # noqa: E402


def naive(start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def timed(fn, cases):
    times, results = [], []
    for start, n in cases:
        t = time.perf_counter()
        results.append(fn(start, n))
        times.append(time.perf_counter() - t)
    times.sort()
    return results, statistics.median(times), times[int(len(times) * 0.95)]


def main(argv=None):
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true", help="500 pairs instead of 20,000 (CI)")
    pairs = 500 if ap.parse_args(argv).small else 20000
    call_command("migrate", verbosity=0)
    rng = random.Random(1)
    cases = [
        (dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000)), rng.choice([1, 3, 5, 20, 45, 60]))
        for _ in range(pairs)
    ]
    cases = [(s, n) for s, n in cases if s.year <= 2025]
    calendar.add_workdays(dt.date(2020, 1, 1), 1)  # warm the year cache as a running server has it
    fast, f_med, f_p95 = timed(lambda s, n: calendar.add_workdays(s, n).deadline, cases)
    slow, s_med, s_p95 = timed(naive, cases)
    assert fast == slow, "the two methods disagree"
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"cases: {len(cases)} deadlines of 1–60 working days, 2010–2025")
    print(f"core.calendar (bisect): median {f_med * 1e6:.1f} µs, p95 {f_p95 * 1e6:.1f} µs")
    print(f"naive day loop:         median {s_med * 1e6:.1f} µs, p95 {s_p95 * 1e6:.1f} µs")
    print(f"ratio (naive / bisect): median {s_med / f_med:.1f}×, p95 {s_p95 / f_p95:.1f}×")


if __name__ == "__main__":
    main()
