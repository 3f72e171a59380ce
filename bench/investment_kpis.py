"""The investment KPI page's figures and the chain gap analysis over a large pipeline, with the same
figures computed by pandas in the same run (and checked equal).

    GAOXIN_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ \\
      .venv/bin/python bench/investment_kpis.py [--projects 100000] [--rounds 20] [--keep]
    .venv/bin/python bench/investment_kpis.py --small     # seconds, on a SQLite file

Creates (or reuses, with --keep) a database `gaoxin_bench_investment` on that server, fills it with
generated projects, each with its stage events (created, 洽谈, and every later move with its review:
about ten per project, so 100,000 projects make about 1,000,000 events), commitments and funds arrived,
and one chain of 20 links. Then it times, `--rounds` times each:

1. `kpis.kpis(...)` for the busiest year as of a past date (the KPI page's figures);
2. `kpis.kpis(..., by="chain")`;
3. `chains.chain_map(...)` (the gap analysis; the bench database has no registry enterprises, so it
   measures the link and project side);
4. pandas: the same year's signed count, amount, started and producing counts, funds arrived and the
   commitments kept and judged, from DataFrames read once (read time reported separately).

Reports p50/p95 in ms and checks that pandas and the platform agree. Needs `pip install .[bench]`."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "gaoxin_bench_investment"
AS_OF = dt.date(2024, 6, 30)
STAGES = ["lead", "talks", "signed", "registered", "settled", "started", "completed", "producing", "full"]
ACTIONS = {
    "talks": "talk",
    "signed": "sign",
    "registered": "register",
    "settled": "settle",
    "started": "start",
    "completed": "complete",
    "producing": "produce",
    "full": "full",
}


def setup(small: bool, keep: bool) -> None:
    if small:
        path = Path(os.environ.get("GAOXIN_BENCH_SQLITE", "/tmp/gaoxin-bench-investment.sqlite3"))
        if not keep:
            path.unlink(missing_ok=True)
        os.environ["GAOXIN_DATABASE_URL"] = f"sqlite:///{path}"
    else:
        server = os.environ.get("GAOXIN_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/").rstrip(
            "/"
        )
        if server.count("/") > 2:
            server = server.rsplit("/", 1)[0]
        import psycopg

        with psycopg.connect(
            server.replace("postgres://", "postgresql://", 1) + "/postgres", autocommit=True
        ) as c:
            exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
            if exists and not keep:
                c.execute(f'DROP DATABASE "{BENCH_DB}" WITH (FORCE)')
                exists = None
            if not exists:
                c.execute(f'CREATE DATABASE "{BENCH_DB}"')
        os.environ["GAOXIN_DATABASE_URL"] = f"{server}/{BENCH_DB}"
    os.environ.setdefault("GAOXIN_DATA_DIR", "/tmp/gaoxin-bench-investment")
    Path(os.environ["GAOXIN_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    os.environ.setdefault("GAOXIN_HTTPS", "0")  # a bench on this machine, like the demo: plain HTTP
    os.environ.pop("GAOXIN_TESTING", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(n: int, seed: int = 4754) -> None:
    from django.db import transaction

    from gaoxin.accounts.models import Department, User
    from gaoxin.accounts.roles import Kind
    from gaoxin.investment.models import Chain, ChainLink, Commitment, FundArrival, Project, StageEvent

    if Project.objects.count() == n:
        print(f"reusing {n:,} projects, {StageEvent.objects.count():,} events", flush=True)
        return
    rng = random.Random(seed)
    t0 = time.perf_counter()
    dept, _ = Department.objects.get_or_create(code="investment", defaults={"name": "投资促进局"})
    officers = [
        User.objects.get_or_create(
            username=f"bench{i}", defaults={"kind": Kind.STAFF, "department": dept, "full_name": f"专员{i}"}
        )[0]
        for i in range(20)
    ]
    chain, _ = Chain.objects.get_or_create(code="bench", defaults={"name": "基准产业链"})
    links = list(ChainLink.objects.filter(chain=chain))
    if not links:
        root = ChainLink.objects.create(chain=chain, name="整车", gbt_codes="C361")
        links = [root] + [
            ChainLink.objects.create(chain=chain, parent=root, name=f"环节{i}", gbt_codes=f"C{3600 + i}")
            for i in range(19)
        ]
    batch = 5000
    done = 0
    while done < n:
        size = min(batch, n - done)
        projects, plans = [], []
        for i in range(done, done + size):
            created = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3000))
            reach = rng.choices(range(9), weights=[3, 4, 4, 5, 6, 8, 9, 10, 11])[0]
            amount = Decimal(rng.choice([1000, 3000, 8000, 12000, 30000, 120000]))
            projects.append(
                Project(
                    code=f"B{i:08d}",
                    name=f"项目{i}",
                    company=f"投资方{i}",
                    source="fair",
                    link=links[rng.randrange(len(links))],
                    intended_investment=amount,
                    officer=officers[i % len(officers)],
                    department=dept,
                    stage=STAGES[reach],
                    signed_amount=amount if reach >= 2 else None,
                    created_on=created,
                )
            )
            plans.append((created, reach))
        with transaction.atomic():
            Project.objects.bulk_create(projects, batch_size=2000)
            events, commitments, funds = [], [], []
            for p, (created, reach) in zip(projects, plans, strict=True):
                day = created
                events.append(
                    StageEvent(
                        project=p, action="create", from_stage="", to_stage="lead", on=day, counted_on=day
                    )
                )
                for k in range(1, reach + 1):
                    day = day + dt.timedelta(days=rng.randrange(10, 120))
                    stage = STAGES[k]
                    if k == 1:
                        events.append(
                            StageEvent(
                                project=p,
                                action="talk",
                                from_stage="lead",
                                to_stage=stage,
                                on=day,
                                counted_on=day,
                            )
                        )
                        continue
                    review = day + dt.timedelta(days=rng.randrange(1, 6))
                    events.append(
                        StageEvent(
                            project=p,
                            action=ACTIONS[stage],
                            from_stage=STAGES[k - 1],
                            to_stage=stage,
                            on=day,
                            counted_on=review,
                        )
                    )
                    events.append(
                        StageEvent(
                            project=p,
                            action="review_ok",
                            from_stage=stage,
                            to_stage=stage,
                            on=review,
                            counted_on=review,
                        )
                    )
                    if k == 2:
                        commitments += [
                            Commitment(
                                project=p,
                                kind="investment",
                                value=p.signed_amount,
                                due_on=day + dt.timedelta(days=700),
                            ),
                            Commitment(project=p, kind="start_by", due_on=day + dt.timedelta(days=240)),
                            Commitment(project=p, kind="produce_by", due_on=day + dt.timedelta(days=700)),
                        ]
                    if k == 5:
                        funds.append(
                            FundArrival(project=p, on=day, amount=(p.signed_amount * Decimal("0.4")))
                        )
            StageEvent.objects.bulk_create(events, batch_size=5000)
            Commitment.objects.bulk_create(commitments, batch_size=5000)
            FundArrival.objects.bulk_create(funds, batch_size=5000)
        done += size
        print(f"  {done:,} projects …", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(
        f"generated {n:,} projects, {StageEvent.objects.count():,} events in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )


def timed(fn, rounds: int) -> tuple[list[float], object]:
    out = None
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, out


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, int(len(times) * 0.95 + 0.5) - 1)]


def with_pandas(year: int):
    import pandas as pd
    from django.db import connection

    t0 = time.perf_counter()
    events = pd.read_sql_query(
        'SELECT project_id, action, to_stage, "on", counted_on, withdrawn FROM investment_stageevent',
        connection.connection,
    )
    projects = pd.read_sql_query(
        "SELECT id, signed_amount, stage FROM investment_project", connection.connection
    )
    funds = pd.read_sql_query(
        'SELECT project_id, "on", amount FROM investment_fundarrival', connection.connection
    )
    commitments = pd.read_sql_query(
        "SELECT project_id, kind, value, due_on FROM investment_commitment", connection.connection
    )
    read_ms = (time.perf_counter() - t0) * 1000
    funds["on"] = pd.to_datetime(funds["on"])
    funds["amount"] = funds["amount"].astype(float)
    commitments["due_on"] = pd.to_datetime(commitments["due_on"])
    commitments["value"] = commitments["value"].astype(float)
    events["on"] = pd.to_datetime(events["on"])
    events["counted_on"] = pd.to_datetime(events["counted_on"])
    projects["signed_amount"] = projects["signed_amount"].astype(float)
    as_of = pd.Timestamp(AS_OF)

    def compute():
        counted = events[
            (~events["withdrawn"].astype(bool)) & (events["counted_on"] <= as_of) & (events["on"] <= as_of)
        ]
        signs = counted[(counted["action"] == "sign") & (counted["on"].dt.year == year)]
        ids = signs["project_id"].unique()
        moves = counted[~counted["action"].isin(["review_ok", "review_back", "resume"])]
        started = moves[(moves["to_stage"] == "started") & moves["project_id"].isin(ids)][
            "project_id"
        ].nunique()
        producing = moves[(moves["to_stage"] == "producing") & moves["project_id"].isin(ids)][
            "project_id"
        ].nunique()
        amount = projects[projects["id"].isin(ids)]["signed_amount"].sum()
        first = moves[moves["project_id"].isin(ids)].groupby(["project_id", "to_stage"])["on"].min().unstack()
        paid = (
            funds[(funds["on"] <= as_of) & funds["project_id"].isin(ids)]
            .groupby("project_id")["amount"]
            .sum()
        )
        live = projects[projects["id"].isin(ids) & (projects["stage"] != "terminated")]["id"]
        c = commitments[commitments["project_id"].isin(live)].copy()
        c["started_on"] = c["project_id"].map(first.get("started", pd.Series(dtype="datetime64[ns]")))
        c["producing_on"] = c["project_id"].map(first.get("producing", pd.Series(dtype="datetime64[ns]")))
        c["arrived"] = c["project_id"].map(paid).fillna(0.0)
        judged, met = 0, 0
        for kind, col in (("start_by", "started_on"), ("produce_by", "producing_on")):
            k = c[c["kind"] == kind]
            came = k[k[col].notna()]
            overdue = k[k[col].isna() & (k["due_on"] < as_of)]
            judged += len(came) + len(overdue)
            met += int((came[col] <= came["due_on"]).sum())
        inv = c[(c["kind"] == "investment") & (c["due_on"] <= as_of)]
        judged += len(inv)
        met += int((inv["arrived"] >= inv["value"]).sum())
        return {
            "signed": len(ids),
            "amount": round(float(amount), 2),
            "started": started,
            "producing": producing,
            "arrived": round(float(paid.sum()), 2),
            "commitments_met": met,
            "commitments_due": judged,
        }

    return read_ms, compute


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--small", action="store_true", help="2,000 projects on SQLite, 3 rounds")
    ap.add_argument("--keep", action="store_true", help="reuse the generated database")
    args = ap.parse_args()
    if args.small:
        args.projects, args.rounds = 2000, 3
    setup(args.small, args.keep)
    print(f"load average before the run: {os.getloadavg()}", flush=True)
    generate(args.projects)

    from django.db import connection
    from django.db.models import Count

    from gaoxin.investment.models import Chain, Project, StageEvent
    from gaoxin.investment.services import chains, kpis

    year = (
        StageEvent.objects.filter(action="sign", on__lte=AS_OF)
        .values("on__year")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("on__year", flat=True)
        .first()
    ) or AS_OF.year
    everything = Project.objects.all()
    rows = []
    t_total, total = timed(lambda: kpis.kpis(everything, year=year, as_of=AS_OF)["total"], args.rounds)
    rows.append(("KPIs of a year as of a past date", t_total))
    t_chain, _ = timed(lambda: kpis.kpis(everything, year=year, as_of=AS_OF, by="chain"), args.rounds)
    rows.append(("KPIs by chain", t_chain))
    chain = Chain.objects.get(code="bench")
    t_gap, gap = timed(lambda: chains.chain_map(chain, year=year), args.rounds)
    rows.append(("chain gap analysis (20 links)", t_gap))
    read_ms, compute = with_pandas(year)
    t_pd, pd_total = timed(compute, args.rounds)
    rows.append(("pandas: same KPIs from DataFrames", t_pd))

    ours = {
        "signed": total["signed"],
        "amount": round(float(total["amount"]), 2),
        "started": total["started"],
        "producing": total["producing"],
        "arrived": round(float(total["arrived"]), 2),
        "commitments_met": total["commitments_met"],
        "commitments_due": total["commitments_due"],
    }
    print()
    print(
        f"{args.projects:,} projects, {StageEvent.objects.count():,} stage events; {connection.vendor}; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; year {year} as of {AS_OF}"
    )
    print(f"{'measure':<40} {'p50 ms':>10} {'p95 ms':>10}")
    for name, times in rows:
        print(f"{name:<40} {statistics.median(times):>10.1f} {p95(times):>10.1f}")
    print(f"{'pandas: reading the tables once':<40} {read_ms:>10.1f}")
    print(f"platform {ours}")
    print(f"pandas   {pd_total}")
    if ours != pd_total:
        raise SystemExit("the platform and pandas disagree")
    print("agree: yes; gap proposals:", len(gap["proposals"]))
    print(f"load average after the run: {os.getloadavg()}")


if __name__ == "__main__":
    main()
