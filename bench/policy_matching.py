"""Whole-zone rule matching on PostgreSQL with 1,000,000 generated enterprises.

    python bench/policy_matching.py [--enterprises 1000000] [--sample 5000] [--clauses 100]
    python bench/policy_matching.py --small    # seconds; run by tests/bench/test_small.py

Creates (or reuses) a separate database `gaoxin_bench_policies` on the server of
GAOXIN_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/), fills it with bulk SQL
(INSERT … SELECT generate_series), and measures in one run:

1. one clause's match count through the compiled query (goal < 1 s);
2. 100 clauses matched in batch (goal < 60 s);
3. the naive per-enterprise Python evaluator on a random sample, extrapolated to the whole zone
   (stated as such);
4. a DuckDB scan of the same data (extracted once into an in-memory DuckDB table), the practical limit.

Counts of the compiled query and of DuckDB are checked to be equal for every clause."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

BENCH_DB = "gaoxin_bench_policies"
ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 30)


def setup_django(server: str) -> None:
    os.environ["GAOXIN_DATABASE_URL"] = server.rstrip("/") + "/" + BENCH_DB
    os.environ.setdefault("GAOXIN_DATA_DIR", "/tmp/gaoxin-bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def ensure_database(server: str) -> None:
    import psycopg

    with psycopg.connect(server.rstrip("/") + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
            conn.execute(f"CREATE DATABASE {BENCH_DB}")


def generate(n: int) -> None:
    """1M enterprises, ~12% HTE, ~18% tech SMEs, annual reports 2024/2025 for ~70%, IP for ~20%."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM enterprises_enterprise")
        if cur.fetchone()[0] == n:
            return
        print(f"generating {n:,} enterprises …", flush=True)
        t0 = time.perf_counter()
        for table in (
            "enterprises_report",
            "enterprises_intellectualproperty",
            "enterprises_qualification",
            "enterprises_enterprise",
            "enterprises_industry",
            "enterprises_reportform",
        ):
            cur.execute(f"TRUNCATE {table} CASCADE")
        cur.execute("""INSERT INTO enterprises_industry (code, name, tier, "order")
                       SELECT 'ind' || i, '产业' || i, (ARRAY['1','3','5'])[1 + i % 3], i FROM generate_series(1, 9) i""")
        cur.execute("""INSERT INTO enterprises_reportform (kind, version, title, fields, required, due_workday, active_from)
                       VALUES ('annual', 1, '年报', '[]', '[]', 8, '2015-01-01')""")
        cur.execute(
            """
            INSERT INTO enterprises_enterprise (uscc, name, former_names, name_pinyin, legal_rep, registered_on,
                name_pairs, registered_capital, address, industry_id, gbt_code, size, above_scale, scale_kind,
                classification_reasons, ownership, listed, top500_branch, status, created_at)
            SELECT 'B' || lpad(i::text, 17, '0'), '企业' || i, '', '', '张三', date '2000-01-01' + (i % 9000), '',
                (i % 1000) * 10000, '', (SELECT min(id) FROM enterprises_industry) + (i % 9), '',
                (ARRAY['large','medium','small','micro','micro','small'])[1 + (hashint % 6)],
                hashint % 10 = 0, CASE WHEN hashint % 10 = 0 THEN 'industry' ELSE '' END, '{}', 'private',
                hashint % 97 = 0, false, CASE WHEN hashint % 50 = 0 THEN 'closed' ELSE 'operating' END, now()
            FROM (SELECT i, abs(hashtext(i::text)) AS hashint FROM generate_series(1, N_ROWS) i) s""".replace(
                "N_ROWS", str(int(n))
            )
        )
        cur.execute("""
            INSERT INTO enterprises_qualification (enterprise_id, kind, level, certificate_no, valid_from, valid_to)
            SELECT id, k.kind, 'national', k.kind || '-' || id, date '2024-01-01',
                   CASE WHEN id % 7 = 0 THEN date '2025-12-31' ELSE date '2027-12-31' END
            FROM enterprises_enterprise e
            JOIN (VALUES ('hte', 8), ('tech_sme', 6), ('srdi', 40)) AS k(kind, every) ON abs(hashtext(e.uscc || k.kind)) % k.every = 0""")
        cur.execute("""
            INSERT INTO enterprises_report (enterprise_id, form_id, year, month, state, revision, revenue, rd_expense,
                tax, employees, bachelor_staff, explanations, return_reason, due_on, due_certain, late, updated_at)
            SELECT e.id, (SELECT id FROM enterprises_reportform LIMIT 1), y, CASE WHEN h % 5 = 0 THEN 12 ELSE 0 END,
                CASE WHEN h % 13 = 0 THEN 'submitted' ELSE 'accepted' END, 0,
                (h % 50000) * 1000 * (1 + (y - 2024) * ((h % 7) - 2) / 10.0),
                CASE WHEN h % 11 = 0 THEN NULL ELSE (h % 3000) * 1000 END,
                (h % 4000) * 100, (h % 800), (h % 300), '{}', '', make_date(y + 1, 3, 31), true, false, now()
            FROM enterprises_enterprise e CROSS JOIN (VALUES (2024), (2025)) AS yy(y)
            CROSS JOIN LATERAL (SELECT abs(hashtext(e.uscc)) AS h) hh
            WHERE h % 10 < 7""")
        cur.execute("""
            INSERT INTO enterprises_intellectualproperty (enterprise_id, year, invention_applied, invention_granted,
                utility_applied, utility_granted, design_applied, design_granted, trademarks, software_copyrights)
            SELECT id, 2025, id % 9, id % 5, 0, id % 7, 0, 0, id % 3, id % 4
            FROM enterprises_enterprise WHERE id % 5 = 0""")
        cur.execute("ANALYZE")
        print(f"generated in {time.perf_counter() - t0:.0f} s", flush=True)


TEMPLATES = [
    (
        "enterprise.hte && data.rd_expense(2025) >= {x} && growth.revenue_yoy(2025) >= {g}",
        "hte AND rd_2025 >= {x} AND (rev_2025 - rev_2024) / NULLIF(rev_2024, 0) >= {g}",
    ),
    (
        'enterprise.size in ["small", "micro"] && data.revenue(2025) >= {x} && enterprise.status == "operating"',
        "size IN ('small', 'micro') AND rev_2025 >= {x} AND status = 'operating'",
    ),
    ("enterprise.tech_sme || data.employees(2025) >= {n}", "tech_sme OR emp_2025 >= {n}"),
    (
        "enterprise.above_scale && !enterprise.listed && data.tax(2025) > {t}",
        "above_scale AND NOT listed AND tax_2025 > {t}",
    ),
    ("enterprise.srdi && ip.invention_granted(2025) >= {k}", "srdi AND inv_2025 >= {k}"),
    (
        "data.bachelor_staff(2025) >= {n} && data.rd_expense(2025) / data.revenue(2025) >= {r}",
        "bach_2025 >= {n} AND CAST(rd_2025 AS DOUBLE) / NULLIF(CAST(rev_2025 AS DOUBLE), 0) >= {r}",
    ),
]


def clauses(count: int, rng: random.Random) -> list[tuple[str, str]]:
    out = []
    for i in range(count):
        cel, duck = TEMPLATES[i % len(TEMPLATES)]
        p = {
            "x": rng.choice([1, 5, 10, 20]) * 100_000,
            "g": rng.choice([0, 0.1, 0.2, 0.3]),
            "n": rng.choice([50, 100, 200, 400]),
            "t": rng.choice([1, 2, 3]) * 100_000,
            "k": rng.choice([1, 2, 3]),
            "r": rng.choice([0.01, 0.03, 0.05]),
        }
        out.append((cel.format(**p), duck.format(**p)))
    return out


def load_duckdb(cols, rows):
    import duckdb

    db = duckdb.connect()
    types = {
        "id": "BIGINT",
        "size": "VARCHAR",
        "status": "VARCHAR",
        "above_scale": "BOOLEAN",
        "listed": "BOOLEAN",
        "hte": "BOOLEAN",
        "tech_sme": "BOOLEAN",
        "srdi": "BOOLEAN",
        "emp_2025": "BIGINT",
        "bach_2025": "BIGINT",
        "inv_2025": "BIGINT",
    }
    columns = ", ".join(f"{c} {types.get(c, 'DOUBLE')}" for c in cols)
    db.execute(f"CREATE TABLE f ({columns})")
    tmp = Path("/tmp/gaoxin-bench-facts.csv")
    import csv

    with tmp.open("w", newline="") as fh:
        w = csv.writer(fh)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    db.execute(f"COPY f FROM '{tmp}' (HEADER false, NULLSTR '')")
    tmp.unlink()
    return db


def main(argv=None) -> int:
    global BENCH_DB
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=5000)
    ap.add_argument("--clauses", type=int, default=100)
    ap.add_argument("--small", action="store_true", help="2,000 enterprises, 12 clauses: seconds (CI)")
    ap.add_argument("--database", default=BENCH_DB, help="the benchmark database on that server")
    args = ap.parse_args(argv)
    if args.small:
        args.enterprises, args.sample, args.clauses = 2000, 300, 12
    BENCH_DB = args.database
    server = os.environ.get("GAOXIN_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    ensure_database(server)
    setup_django(server)
    generate(args.enterprises)

    from gaoxin.enterprises.models import Enterprise
    from gaoxin.policies.rules import parse_rule
    from gaoxin.policies.rules.compiler import CompiledRules, compile_rule
    from gaoxin.policies.rules.evaluator import is_eligible
    from gaoxin.policies.rules.facts import enterprises_with_facts, load_facts

    rng = random.Random(2020)
    rules = clauses(args.clauses, rng)
    total = Enterprise.objects.count()

    # 1. one clause, compiled: median of 5 runs
    first = compile_rule(parse_rule(rules[0][0]), AS_OF).queryset()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        one_count = first.count()
        times.append(time.perf_counter() - t0)
    one = statistics.median(times)

    # 2. 100 clauses in batch: one scan, shared joins, one FILTER column per clause
    t0 = time.perf_counter()
    sql_counts = CompiledRules([parse_rule(cel) for cel, _ in rules], AS_OF).counts()
    batch = time.perf_counter() - t0
    t0 = time.perf_counter()
    one_by_one = [compile_rule(parse_rule(cel), AS_OF).queryset().count() for cel, _ in rules]
    sequential = time.perf_counter() - t0
    assert one_by_one == sql_counts, "batch and per-clause counts differ"

    # 3. naive: facts for a random sample, evaluated in Python, extrapolated
    ids = rng.sample(range(1, total + 1), min(args.sample, total))
    min_id = Enterprise.objects.order_by("id").values_list("id", flat=True).first()
    ids = [min_id - 1 + i for i in ids]
    t0 = time.perf_counter()
    facts = load_facts(enterprises_with_facts().filter(pk__in=ids), AS_OF)
    node = parse_rule(rules[0][0])
    sample_hits = sum(is_eligible(node, f) for f in facts.values())
    naive_one = (time.perf_counter() - t0) * total / len(ids)
    t0 = time.perf_counter()
    nodes = [parse_rule(cel) for cel, _ in rules]
    for f in facts.values():
        for n in nodes:
            is_eligible(n, f)
    naive_eval_all = (time.perf_counter() - t0) * total / len(ids)
    naive_batch = naive_one + naive_eval_all  # loading facts once, then evaluating every clause

    # 4. DuckDB over the same facts
    t0 = time.perf_counter()
    cols, rows = facts_rows()
    extract = time.perf_counter() - t0
    duck = load_duckdb(cols, rows)
    del rows
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        duck.execute(f"SELECT count(*) FROM f WHERE {rules[0][1]}").fetchone()  # noqa: S608  (fixed templates)
        times.append(time.perf_counter() - t0)
    duck_one_t = statistics.median(times)
    t0 = time.perf_counter()
    duck_counts = [duck.execute(f"SELECT count(*) FROM f WHERE {d}").fetchone()[0] for _, d in rules]  # noqa: S608
    duck_batch = time.perf_counter() - t0
    mismatches = [(i, a, b) for i, (a, b) in enumerate(zip(sql_counts, duck_counts, strict=True)) if a != b]

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}, "
        f"{dt.date.today()}"
    )
    print(f"enterprises: {total:,}; first clause matches {one_count:,} (sample: {sample_hits}/{len(ids)})")
    print(
        f"one clause   compiled SQL {one:8.3f} s | naive Python {naive_one:9.1f} s (extrapolated from {len(ids):,}) "
        f"= {naive_one / one:,.0f}× | DuckDB {duck_one_t:6.3f} s"
    )
    print(
        f"{len(rules)} clauses  compiled SQL {batch:8.3f} s | naive Python {naive_batch:9.1f} s (extrapolated) "
        f"= {naive_batch / batch:,.0f}× | DuckDB {duck_batch:6.3f} s (+ {extract:.1f} s to extract the facts once)"
    )
    print(f"{len(rules)} clauses  compiled SQL, one query per clause instead of one scan: {sequential:.3f} s")
    print(
        f"SQL and DuckDB counts agree on {len(rules) - len(mismatches)}/{len(rules)} clauses"
        + (f"; differ: {mismatches[:5]}" if mismatches else "")
    )
    return 0


def facts_rows():
    """The same facts as one wide row per enterprise, resolved exactly as the rules resolve them."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(FACTS_SQL.format(as_of=AS_OF))
        return [c.name for c in cur.description], cur.fetchall()


FACTS_SQL = """
    SELECT e.id, e.size, e.status, e.above_scale, e.listed,
      EXISTS (SELECT 1 FROM enterprises_qualification q WHERE q.enterprise_id = e.id AND q.kind = 'hte'
              AND q.valid_from <= DATE '{as_of}' AND (q.valid_to IS NULL OR q.valid_to >= DATE '{as_of}')) AS hte,
      EXISTS (SELECT 1 FROM enterprises_qualification q WHERE q.enterprise_id = e.id AND q.kind = 'tech_sme'
              AND q.valid_from <= DATE '{as_of}' AND (q.valid_to IS NULL OR q.valid_to >= DATE '{as_of}')) AS tech_sme,
      EXISTS (SELECT 1 FROM enterprises_qualification q WHERE q.enterprise_id = e.id AND q.kind = 'srdi'
              AND q.valid_from <= DATE '{as_of}' AND (q.valid_to IS NULL OR q.valid_to >= DATE '{as_of}')) AS srdi,
      r5.revenue::float8 AS rev_2025, r4.revenue::float8 AS rev_2024, r5.rd_expense::float8 AS rd_2025,
      r5.employees AS emp_2025, r5.tax::float8 AS tax_2025, r5.bachelor_staff AS bach_2025,
      ip.invention_granted AS inv_2025
    FROM enterprises_enterprise e
    LEFT JOIN LATERAL (SELECT * FROM enterprises_report r WHERE r.enterprise_id = e.id AND r.year = 2025
         AND r.state = 'accepted' AND r.month IN (0, 12) ORDER BY r.month LIMIT 1) r5 ON true
    LEFT JOIN LATERAL (SELECT * FROM enterprises_report r WHERE r.enterprise_id = e.id AND r.year = 2024
         AND r.state = 'accepted' AND r.month IN (0, 12) ORDER BY r.month LIMIT 1) r4 ON true
    LEFT JOIN enterprises_intellectualproperty ip ON ip.enterprise_id = e.id AND ip.year = 2025"""


if __name__ == "__main__":
    sys.exit(main())
