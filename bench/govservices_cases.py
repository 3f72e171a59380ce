"""Cases at scale on PostgreSQL: an officer's inbox page and the API case list (p50/p95), submission
throughput, and the recomputation of lights for the open cases.

    GAOXIN_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_bench_gov \
      .venv/bin/python bench/govservices_cases.py [--cases 1000000] [--open 100000]
    … bench/govservices_cases.py --small    # seconds; run by tests/bench/test_small.py

The database named in the URL is dropped and recreated. Rows are generated inside PostgreSQL
(generate_series), so building 1,000,000 cases takes minutes, not hours."""

import argparse
import os
import platform
import statistics
import sys
import time
from urllib.parse import urlparse

URL = os.environ.get("GAOXIN_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gx_bench_gov")
os.environ["GAOXIN_DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
os.environ.setdefault("GAOXIN_DATA_DIR", "/tmp/gaoxin-bench-gov")
os.environ.setdefault("GAOXIN_HTTPS", "0")


def recreate_database() -> None:
    import psycopg

    parts = urlparse(URL)
    name = parts.path.lstrip("/")
    admin = URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _ok(response):
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return response


def timed(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), pct(times, 95)


RUN = f"b{time.time_ns()}"
GENERATE = """
INSERT INTO govservices_case (number, item_id, version_id, department_id, applicant_id, enterprise_uscc, applicant_name,
  submitted_by_id, channel, state, data, commitment_signed, submitted_at, accepted_on, due_on, due_certain,
  suspended_days, stage_order, light, reason, revision, extended_days, procedure, legal_due_on, post_tracking)
SELECT 'B' || lpad(g::text, 12, '0'), v.item_id, v.id, v.department_id, u.id, u.enterprise_uscc, u.enterprise_name,
  u.id, 'online',
  CASE WHEN g %% %(every)s = 0 THEN 'in_review' ELSE 'closed' END,
  '{}'::jsonb, false, now() - (g %% 700) * interval '1 day',
  CASE WHEN g %% %(every)s = 0 THEN current_date - (g %% 12) ELSE current_date - (g %% 700) END,
  CASE WHEN g %% %(every)s = 0 THEN current_date - (g %% 12) + 7 ELSE current_date - (g %% 700) + 7 END,
  true, 0, 1, '', '', 0, 0, '',
  CASE WHEN g %% %(every)s = 0 THEN current_date - (g %% 12) + 20 ELSE current_date - (g %% 700) + 20 END, ''
FROM generate_series(1, %(n)s) g
JOIN LATERAL (SELECT * FROM (SELECT id, item_id, department_id, row_number() OVER (ORDER BY id) - 1 AS k
   FROM govservices_itemversion WHERE status = 'published') pv WHERE pv.k = g %% %(items)s) v ON true
JOIN LATERAL (SELECT * FROM (SELECT id, enterprise_uscc, enterprise_name, row_number() OVER (ORDER BY id) - 1 AS k
   FROM accounts_user WHERE kind = 'enterprise') pu WHERE pu.k = g %% %(users)s) u ON true
"""
STAGES = """
INSERT INTO govservices_casestage (case_id, spec_id, "order", name, state, started_on, due_on, due_certain)
SELECT c.id, s.id, 1, s.name, 'active', c.accepted_on, c.due_on, true
FROM govservices_case c JOIN govservices_stagespec s ON s.version_id = c.version_id AND s."order" = 1
WHERE c.state = 'in_review' AND c.number LIKE 'B%%';
INSERT INTO govservices_stageopinion (stage_id, department_id, verdict, opinion)
SELECT cs.id, sd.department_id, '', '' FROM govservices_casestage cs
JOIN govservices_stagedepartment sd ON sd.stage_id = cs.spec_id
JOIN govservices_case c ON c.id = cs.case_id AND c.number LIKE 'B%%';
ANALYZE;
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--reuse", action="store_true", help="measure the database a previous run built")
    parser.add_argument("--small", action="store_true", help="2,000 cases, a small zone: seconds (CI)")
    args = parser.parse_args()
    zone, rounds = 300, 40
    if args.small:
        args.cases, args.open, args.submissions = 2000, 200, 20
        zone, rounds = 60, 3
    if not args.reuse:
        recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from gaoxin.accounts.models import User
    from gaoxin.demo import generator
    from gaoxin.govservices.models import Case, ServiceItem
    from gaoxin.govservices.services.cases import lights_recompute
    from gaoxin.govservices.services.submission import case_submit

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    build_s = 0.0
    if not args.reuse:
        generator.build(seed=1, count=zone, log=lambda m: None)
        items = ServiceItem.objects.filter(current__isnull=False).count()
        users = User.objects.filter(kind="enterprise").count()
        t = time.perf_counter()
        with connection.cursor() as cur:
            params = {
                "n": args.cases,
                "every": max(1, args.cases // args.open),
                "items": items,
                "users": users,
            }
            cur.execute(GENERATE, params)
            cur.execute(STAGES, {})
        build_s = time.perf_counter() - t
    total = Case.objects.count()
    open_cases = Case.objects.filter(state__in=Case.OPEN_STATES).count()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, "
        f"PostgreSQL {connection.pg_version // 10000}"
    )
    print(f"cases: {total:,} ({open_cases:,} open), generated in {build_s:.0f} s")
    sys.stdout.flush()

    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    for who in ("approver", "reviewer_housing"):
        c = Client()
        c.force_login(User.objects.get(username=who))
        c.get("/services/inbox/")
        p50, p95 = timed(lambda c=c: _ok(c.get("/services/inbox/")), rounds)
        print(f"inbox page ({who}): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        p50, p95 = timed(lambda c=c: _ok(c.get("/api/v1/cases?inbox=true&limit=25")), rounds)
        print(f"API inbox list ({who}): p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        p50, p95 = timed(lambda c=c: _ok(c.get("/api/v1/cases?limit=25")), rounds)
        print(f"API case list ({who}): p50 {p50:.0f} ms, p95 {p95:.0f} ms")

    ents = list(User.objects.filter(kind="enterprise")[:4])
    # Taken at the window (the clerk checks paper materials): the online path needs the files.
    clerk = User.objects.get(username="clerk")
    code = "GX0100000019"

    def submit_many(ent, start, count):
        for i in range(start, start + count):
            data = {"project": f"项目{i}", "address": "高新区"}
            case_submit(
                actor=clerk, applicant=ent.username, item_code=code, data=data, idempotency_key=f"{RUN}-{i}"
            )
        connection.close()

    submit_many(ents[0], 0, 20)  # warm-up
    for workers in (1, 4):
        import threading

        per = args.submissions // workers
        threads = [
            threading.Thread(target=submit_many, args=(ents[w], 1000 * (w + 1) * workers, per))
            for w in range(workers)
        ]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        rate = per * workers / (time.perf_counter() - t)
        print(
            f"submissions, {workers} thread(s): {rate:.0f} cases/s ({per * workers} submissions without files)"
        )

    for day_offset in (0, 3):
        import datetime as dt

        from django.utils import timezone

        from gaoxin.core import clock

        t = time.perf_counter()
        with clock.frozen(timezone.localdate() + dt.timedelta(days=day_offset)):
            changed = lights_recompute()
        print(f"lights for {open_cases:,} open cases: {time.perf_counter() - t:.2f} s (changed {changed})")


if __name__ == "__main__":
    sys.exit(main())
