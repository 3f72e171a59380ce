"""Registry search over 100,000 enterprises and zone totals by industry over 1.2M monthly rows.

Run (PostgreSQL; builds the data once in its own database, then times):

    GAOXIN_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gaoxin_bench .venv/bin/python bench/enterprises.py
    … bench/enterprises.py --small    # 1,000 enterprises, seconds; run by tests/bench/test_small.py

Goals: search p95 < 100 ms; totals by industry for a month p95 < 300 ms. The same totals are computed
with pandas over the same rows in the same run, for comparison (and checked to agree)."""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
os.environ.setdefault("GAOXIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gaoxin_bench")

ENTERPRISES = 100_000
REPORTERS = 50_000  # × 24 months = 1.2M monthly rows
YEARS = (2024, 2025)
RUNS = 200


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def populate(rng: random.Random) -> None:
    from django.db import connection

    from gaoxin.core.identifiers import make_uscc
    from gaoxin.demo.enterprises import BRAND_A, BRAND_B, CITIES, INDUSTRIES, PARKS
    from gaoxin.enterprises.models import Enterprise, Industry, Park, Report
    from gaoxin.enterprises.search import doubled, pinyin_key
    from gaoxin.enterprises.services.reporting import report_forms_ensure

    if Report.objects.filter(month__gte=1).count() == REPORTERS * 24 and (
        Enterprise.objects.count() == ENTERPRISES
    ):
        return
    print("生成基准数据（仅首次）…", flush=True)
    Report.objects.all().delete()
    Enterprise.objects.all().delete()
    industries = [
        Industry.objects.get_or_create(code=c, defaults={"name": n, "tier": t, "order": i})[0]
        for i, (c, n, t, *_rest) in enumerate(INDUSTRIES)
    ]
    parks = [Park.objects.get_or_create(code=c, defaults={"name": n})[0] for c, n in PARKS]
    forms = report_forms_ensure()
    raw = connection.connection
    started = time.perf_counter()
    with (
        raw.cursor() as cur,
        cur.copy(
            "COPY enterprises_enterprise (uscc, name, former_names, name_pinyin, name_pairs, legal_rep, registered_on, "
            "registered_capital, address, park_id, industry_id, gbt_code, size, above_scale, scale_kind, "
            "classification_reasons, ownership, listed, top500_branch, status, created_at) FROM STDIN"
        ) as copy,
    ):
        suffixes = [s for *_x, sfx in INDUSTRIES for s in sfx]
        now = dt.datetime.now(dt.UTC)
        for n in range(ENTERPRISES):
            ind = rng.randrange(len(industries))
            name = f"{rng.choice(CITIES)}{rng.choice(BRAND_A)}{rng.choice(BRAND_B)}{rng.choice(suffixes)}{n}有限公司"
            copy.write_row(
                (
                    make_uscc("91450200", f"M{n:07d}"),
                    name,
                    "",
                    pinyin_key(name),
                    doubled(name),
                    "张三",
                    dt.date(2010, 1, 1),
                    Decimal("1000000.00"),
                    "",
                    parks[n % len(parks)].id,
                    industries[ind].id,
                    INDUSTRIES[ind][4],
                    rng.choice(["large", "medium", "small", "micro"]),
                    n % 10 == 0,
                    "",
                    "{}",
                    "private",
                    False,
                    False,
                    "operating",
                    now,
                )
            )
    ids = list(Enterprise.objects.order_by("id").values_list("id", flat=True)[:REPORTERS])
    form = forms["monthly"].id
    with (
        raw.cursor() as cur,
        cur.copy(
            "COPY enterprises_report (enterprise_id, form_id, year, month, state, revision, output_value, revenue, "
            "profit, tax, employees, rd_expense, export_value, energy, explanations, return_reason, due_on, "
            "due_certain, late, updated_at) FROM STDIN"
        ) as copy,
    ):
        now = dt.datetime.now(dt.UTC)
        # Written period by period, as reports arrive: a month's rows sit together on disk.
        base = {eid: rng.uniform(1e6, 5e8) for eid in ids}
        cum = dict.fromkeys(ids, 0.0)
        for year in YEARS:
            for month in range(1, 13):
                for eid in ids:
                    if month == 1:
                        cum[eid] = 0.0
                    cum[eid] += base[eid] / 12 * rng.uniform(0.8, 1.2) * (1.1 if year == 2025 else 1.0)
                    r = round(cum[eid], 2)
                    copy.write_row(
                        (
                            eid,
                            form,
                            year,
                            month,
                            "accepted",
                            0,
                            round(r * 1.03, 2),
                            r,
                            round(r * 0.06, 2),
                            round(r * 0.04, 2),
                            100,
                            round(r * 0.02, 2),
                            None,
                            round(r / 1e5, 2),
                            "{}",
                            "",
                            dt.date(year, month, 28),
                            True,
                            False,
                            now,
                        )
                    )
    raw.commit()
    with connection.cursor() as cur:
        cur.execute("ANALYZE enterprises_enterprise")
        cur.execute("ANALYZE enterprises_report")
    print(
        f"  写入 {ENTERPRISES:,} 家企业、{REPORTERS * 24:,} 份月报，用时 {time.perf_counter() - started:.0f} 秒",
        flush=True,
    )


def timed(fn, runs: int) -> list[float]:
    out = []
    for i in range(runs):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(label: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"{label:<42} n={len(ms):>4}  p50={statistics.median(ms):7.1f} ms  p95={p95:7.1f} ms  max={ms[-1]:7.1f} ms"


def main(argv=None) -> int:
    global ENTERPRISES, REPORTERS, RUNS
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true", help="1,000 enterprises, 200 reporting: seconds (CI)")
    if ap.parse_args(argv).small:
        ENTERPRISES, REPORTERS, RUNS = 1_000, 200, 20
    ensure_database(os.environ["GAOXIN_DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("此基准需要 PostgreSQL：请设置 GAOXIN_DATABASE_URL")
        return 2
    call_command("migrate", verbosity=0)
    rng = random.Random(2020)
    populate(rng)

    import pandas as pd

    from gaoxin.accounts.models import Department, RoleAssignment, User
    from gaoxin.demo.enterprises import BRAND_A, BRAND_B
    from gaoxin.enterprises import selectors
    from gaoxin.enterprises.models import Report
    from gaoxin.enterprises.selectors import reporting

    dept, _ = Department.objects.get_or_create(code="stats", defaults={"name": "统计局"})
    user, created = User.objects.get_or_create(
        username="bench-stat", defaults={"kind": "staff", "department": dept}
    )
    if created:
        RoleAssignment.objects.create(user=user, role="statistician", department=dept)
    user = User.objects.get(pk=user.pk)

    terms = []
    for _ in range(RUNS):
        kind = rng.randrange(5)
        if kind == 0:
            terms.append({"q": rng.choice(BRAND_A) + rng.choice(BRAND_B)})
        elif kind == 1:
            terms.append({"q": rng.choice(["huarui", "xintai", "hengsheng", "boyuan", "qiche", "wuliu"])})
        elif kind == 2:
            terms.append({"q": "91450200M0" + str(rng.randrange(100, 999))})
        elif kind == 3:
            terms.append(
                {"q": rng.choice(BRAND_A), "above_scale": True, "size": rng.choice(["large", "medium"])}
            )
        else:
            terms.append({"industry": "auto", "qualification": "", "size": "small", "above_scale": True})

    def search(i):
        qs = selectors.enterprise_list(user=user, **terms[i])
        qs.count()
        list(qs[:30])

    search_ms = timed(search, RUNS)

    periods = [(2025, m) for m in range(1, 13)]

    def totals(i):
        y, m = periods[i % len(periods)]
        return reporting.totals(user=user, year=y, month=m, by="industry")

    totals(0)
    totals_ms = timed(totals, 60)

    t = time.perf_counter()
    frame = pd.DataFrame.from_records(
        Report.objects.filter(month__gte=1, state__in=reporting.RECEIVED)
        .values_list("year", "month", "revenue", "output_value", "enterprise__industry__name")
        .iterator(chunk_size=20000),
        columns=["year", "month", "revenue", "output_value", "industry"],
    )
    frame["revenue"] = frame["revenue"].astype(float)
    frame["output_value"] = frame["output_value"].astype(float)
    load_s = time.perf_counter() - t

    def pandas_totals(i):
        y, m = periods[i % len(periods)]
        now = (
            frame[(frame.year == y) & (frame.month == m)]
            .groupby("industry")[["revenue", "output_value"]]
            .sum()
        )
        ly = frame[(frame.year == y - 1) & (frame.month == m)].groupby("industry")["revenue"].sum()
        prev = frame[(frame.year == y) & (frame.month == m - 1)].groupby("industry")["revenue"].sum()
        now["growth"] = (now.revenue - ly) / ly * 100
        now["month"] = now.revenue - prev.reindex(now.index).fillna(0)
        return now

    pandas_ms = timed(pandas_totals, 60)
    db = {r["name"]: float(r["revenue"]) for r in totals(5)["rows"]}
    pd_rows = pandas_totals(5)["revenue"].to_dict()
    agree = all(abs(db[k] - pd_rows[k]) < 1 for k in db) and set(db) == set(pd_rows)

    import platform
    from pathlib import Path

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")),
        platform.processor(),
    )
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else "MemTotal: 0 kB"
    mem = round(int(meminfo.split()[1]) / 1024 / 1024)
    rows = Report.objects.filter(month__gte=1).count()
    print(f"机器：{os.cpu_count()} 核（nproc），内存 {mem} GB，{cpu}；PostgreSQL；{dt.date.today()}")
    print(f"数据：{ENTERPRISES:,} 家企业，{rows:,} 份月报")
    print(summary("企业检索（名称/拼音/代码/筛选，含计数与首页）", search_ms))
    print(summary("按产业汇总某月（累计、本月、同比，SQL）", totals_ms))
    print(summary("同一汇总（pandas，数据已在内存）", pandas_ms))
    print(f"pandas 载入 {len(frame):,} 行用时 {load_s:.1f} 秒；两种算法结果一致：{'是' if agree else '否'}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    sys.exit(main())
