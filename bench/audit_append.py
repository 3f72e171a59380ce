"""Case submissions per second with the old audit append (every write locks the chain's head row,
`audit_naive.py`) and with the platform's (append without a lock, sealed in blocks after commit),
side by side in one run: in process (1 and 4 threads) and over HTTP (two gunicorn app processes on
two ports, several concurrent clients posting `POST /api/v1/cases` with bearer tokens), once asking
for the whole case in each answer (the default) and once for the receipt (`Prefer: return=minimal`).

    GAOXIN_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gx_bench_audit \\
      .venv/bin/python bench/audit_append.py [--rounds 3] [--submissions 400] [--clients 8]
    .venv/bin/python bench/audit_append.py --small      # seconds; run by tests/core/test_audit_bench.py

The database named in the URL is dropped and recreated (a sqlite:/// URL works too). The full run
builds the demo zone (registry, people, government services) and publishes one file-less item in
it; --small builds that item alone and creates the tables without migrations. After every phase the chain is sealed and verified."""

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

BENCH = Path(__file__).resolve().parent
URL = os.environ.get("GAOXIN_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gx_bench_audit")
os.environ["GAOXIN_DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
os.environ.setdefault("GAOXIN_DATA_DIR", "/tmp/gaoxin-bench-audit")
os.environ["GAOXIN_HTTPS"] = "0"
os.environ["GAOXIN_DEBUG"] = "0"
os.environ.pop("GAOXIN_TESTING", None)
os.environ.pop("GAOXIN_TEST_DB_NAME", None)
Path(os.environ["GAOXIN_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
sys.path.insert(0, str(BENCH))

MODES = {"naive": "head lock (old)", "sealed": "sealed blocks (new)"}
RUN = f"a{time.time_ns()}"


def recreate_database() -> None:
    parts = urlparse(URL)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = URL.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def publish_bench_item(admin, dept) -> tuple[str, dict]:
    """The measured item: one review stage and no required material, so an online submission
    without files is complete (published through the catalogue services)."""
    from gaoxin.govservices.services.catalogue import item_draft_save, item_publish

    code = "000000000009"
    fields = {
        "code": code,
        "name": "临时占用城市道路许可",
        "implementing_code": code + "001",
        "department": dept,
        "item_type": "licensing",
        "legal_basis": "《城市道路管理条例》",
        "applicant_kind": "both",
        "conditions": "符合法定条件",
        "handling": "promised",
        "legal_days": 20,
        "committed_days": 5,
        "fee": False,
        "fee_basis": "",
        "visits": 0,
        "online_depth": "4",
        "scope": "city",
        "allow_deferral": False,
        "allow_commitment": False,
        "issue_before_supply": False,
        "commitment_text": "",
        "verification_days": 20,
        "special_procedures": "",
        "result_type": "approval",
        "result_name": "准予占用决定书",
        "licence_years": 0,
        "consultation": "0772-12345",
        "complaint": "12345",
        "form_fields": [
            {"name": "project", "label": "项目名称", "required": True},
            {"name": "address", "label": "地址", "required": False},
        ],
    }
    stages = [{"order": 1, "name": "审查", "role": "reviewer", "days": 3, "departments": [dept]}]
    item_draft_save(actor=admin, fields=fields, materials=[], stages=stages)
    item_publish(actor=admin, code=code)
    return code, {"project": "道路开挖", "address": "高新区"}


def build_small_zone() -> tuple[str, dict]:
    """The bench item and two enterprise users on an empty database."""
    from gaoxin.accounts.models import Department, RoleAssignment, User
    from gaoxin.accounts.roles import Kind

    dept = Department.objects.create(code="approval", name="行政审批局")
    admin = User.objects.create_user(
        username="admin", password=None, full_name="管理员", kind=Kind.STAFF, department=dept
    )
    RoleAssignment.objects.create(user=admin, role="system_admin", department=dept)
    code, data = publish_bench_item(admin, dept)
    for i, uscc in enumerate(["91350100M000100Y43", "91450200MA5N00007X"]):
        User.objects.create_user(
            username=f"ent{i}",
            password=None,
            kind=Kind.ENTERPRISE,
            enterprise_uscc=uscc,
            enterprise_name=f"示例企业{i}",
            is_legal_rep=True,
            full_name=f"法人{i}",
        )
    return code, data


def build_demo_zone() -> tuple[str, dict]:
    import random

    from django.db import transaction

    from gaoxin.accounts.models import User
    from gaoxin.demo import generator

    ctx = {"rng": random.Random(1), "count": 300, "as_of": dt.date.today(), "log": lambda m: None}
    with transaction.atomic():
        for step in generator.steps()[:3]:  # registry, people, government services
            step(ctx)
        # The demo zone's items require materials, which an online submission must upload; the
        # measured item needs none, so both appends are timed on the same file-less submission.
        admin = User.objects.get(username="admin")
        return publish_bench_item(admin, admin.department)


def backend_cpu() -> float:
    """CPU seconds (user + system) the database server process of this thread's connection has
    used: PostgreSQL on this machine, read from /proc; 0 on SQLite (it runs inside the app)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CPU: dict[tuple[str, str], list[tuple[float, float]]] = {}  # (phase, mode) → (app ms, database ms) per case


def in_process(mode: str, code: str, data: dict, workers: int, count: int) -> float:
    import audit_naive
    from django.db import connection

    from gaoxin.accounts.models import User
    from gaoxin.govservices.services.submission import case_submit

    audit_naive.install(mode)
    ents = list(User.objects.filter(kind="enterprise").order_by("id")[:workers])
    per = max(1, count // workers)
    errors = []
    tag = f"{RUN}-{mode}-{workers}-{time.time_ns()}"  # fresh keys every round: no idempotent replays
    db_cpu = []

    def submit(w):
        try:
            ent = ents[w % len(ents)]
            start = backend_cpu()
            for i in range(per):
                case_submit(actor=ent, item_code=code, data=data, idempotency_key=f"{tag}-{w}-{i}")
            db_cpu.append(backend_cpu() - start)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    case_submit(actor=ents[0], item_code=code, data=data, idempotency_key=f"{tag}-warm")
    threads = [threading.Thread(target=submit, args=(w,)) for w in range(workers)]
    t, cpu = time.perf_counter(), time.process_time()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    audit_naive.install("sealed")
    if errors:
        raise errors[0]
    cases = per * workers
    CPU.setdefault((f"in process, {workers} thread" + ("s" if workers > 1 else ""), mode), []).append(
        (cpu / cases * 1000, sum(db_cpu) / cases * 1000)
    )
    return cases / elapsed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """Two gunicorn app processes, each on its own port; each request names its audit append."""

    def __init__(self, threads: int):
        self.ports = [free_port(), free_port()]
        self.ready = False
        env = {**os.environ, "GAOXIN_ALLOWED_HOSTS": "127.0.0.1,localhost"}
        # The app's logs go to a file: a pipe nobody reads fills up, and a thread writing its log
        # line then blocks holding the logging lock while every other request waits on it.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "--pythonpath",
            str(BENCH),
            "--workers",
            "1",
            "--timeout",
            "300",
        ]
        self.procs = [
            subprocess.Popen(
                [
                    *gunicorn,
                    "--threads",
                    str(threads),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "audit_wsgi:application",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=self.log,
            )
            for port in self.ports
        ]

    def wait_ready(self):
        if self.ready:
            return
        deadline = time.monotonic() + 180
        for port, proc in zip(self.ports, self.procs, strict=True):
            while True:
                if proc.poll() is not None:
                    self.log.seek(0)
                    raise RuntimeError(f"gunicorn exited: {self.log.read().decode()[-2000:]}")
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start in 180 s")
                time.sleep(0.2)
        self.ready = True

    def stop(self):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.log.close()


def over_http(
    mode: str,
    code: str,
    data: dict,
    tokens: list[str],
    clients: int,
    count: int,
    servers,
    minimal: bool = False,
) -> float:
    """Submissions per second over HTTP; `minimal` asks for the receipt (`Prefer: return=minimal`)
    instead of the whole case in each answer."""
    per = max(1, count // clients)
    errors = []
    body = json.dumps({"item": code, "data": data}, ensure_ascii=False).encode()

    def client(c, n, tag):
        conn = http.client.HTTPConnection("127.0.0.1", servers.ports[c % 2], timeout=300)
        try:
            for i in range(n):
                headers = {
                    "Authorization": f"Bearer {tokens[c % len(tokens)]}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"{RUN}-{mode}-http-{tag}-{c}-{i}",
                    "X-Bench-Audit": mode,
                    **({"Prefer": "return=minimal"} if minimal else {}),
                }
                conn.request("POST", "/api/v1/cases", body=body, headers=headers)
                r = conn.getresponse()
                text = r.read()
                if r.status != 201:
                    raise RuntimeError(f"HTTP {r.status}: {text[:300].decode(errors='replace')}")
        except Exception as exc:
            errors.append(exc)
        finally:
            conn.close()

    def run(n, tag):
        ths = [threading.Thread(target=client, args=(c, n, tag)) for c in range(clients)]
        t = time.perf_counter()
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        return time.perf_counter() - t

    servers.wait_ready()
    run(2, f"warm{time.time_ns()}")
    elapsed = run(per, f"timed{time.time_ns()}")
    if errors:
        raise errors[0]
    return per * clients / elapsed


def chain_after_phase() -> tuple[int, str]:
    from gaoxin.core import audit

    left = audit.unsealed_count()
    audit.seal(wait=True)
    report = audit.check()
    if report.problem:
        raise SystemExit(f"audit chain broken: {report.problem}")
    return left, report.message


def machine() -> str:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout  # noqa: S607  # noqa: S607
        model = next(
            (ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")), ""
        )
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607  # noqa: S607
    return f"{model or platform.machine()}, {nproc or os.cpu_count()} CPU (nproc), Python {platform.python_version()}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--small", action="store_true", help="a few seconds: small zone, few submissions, one round"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--submissions", type=int, default=400, help="per phase")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the app processes on the way out
    if args.small:
        args.rounds, args.submissions, args.clients = 1, 16, 4
    recreate_database()

    import django
    from django.conf import settings

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    from gaoxin.accounts.models import User
    from gaoxin.accounts.services import token_issue

    started = t = time.perf_counter()
    if args.small:
        settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
        call_command("migrate", run_syncdb=True, verbosity=0)
        code, data = build_small_zone()
    else:
        call_command("migrate", verbosity=0)
        code, data = build_demo_zone()
    ents = list(User.objects.filter(kind="enterprise").order_by("id")[: args.clients])
    tokens = [token_issue(user=u, name="bench")[1] for u in ents]
    chain_after_phase()
    servers = Servers(args.threads)
    version = (
        f"PostgreSQL {connection.pg_version // 10000}" if connection.vendor == "postgresql" else "SQLite"
    )
    print(f"machine: {machine()}, {version}, {dt.date.today().isoformat()}")
    print(
        f"set-up {time.perf_counter() - t:.0f} s; {args.submissions} submissions per phase, {args.rounds} round(s)"
    )
    sys.stdout.flush()

    http_name = f"HTTP, 2 gunicorn × {args.threads} threads, {args.clients} clients"
    phases = [
        ("in process, 1 thread", lambda m: in_process(m, code, data, 1, args.submissions)),
        ("in process, 4 threads", lambda m: in_process(m, code, data, 4, args.submissions)),
        (
            f"{http_name}, full answer",
            lambda m: over_http(m, code, data, tokens, args.clients, args.submissions, servers),
        ),
        (
            f"{http_name}, receipt",
            lambda m: over_http(m, code, data, tokens, args.clients, args.submissions, servers, True),
        ),
    ]
    results = {(name, mode): [] for name, _ in phases for mode in MODES}
    try:
        if not args.small:  # the small run lets them start while it measures in process
            servers.wait_ready()
            print(f"app processes up after {time.perf_counter() - started:.0f} s")
        for r in range(args.rounds):
            for name, run in phases:
                for mode in MODES if r % 2 == 0 else list(reversed(MODES)):
                    rate = run(mode)
                    left, message = chain_after_phase()
                    results[(name, mode)].append(rate)
                    cpu = CPU.get((name, mode), [])
                    spent = (
                        f"; CPU per case: app {cpu[-1][0]:.1f} ms, database {cpu[-1][1]:.1f} ms"
                        if cpu
                        else ""
                    )
                    print(
                        f"  round {r + 1}: {name}, {MODES[mode]}: {rate:.0f} cases/s{spent};"
                        f" unsealed at the end {left}; {message}"
                    )
                    sys.stdout.flush()
    finally:
        servers.stop()
    print(f"run took {time.perf_counter() - started:.0f} s")
    print(f"{'cases/s (median of rounds)':<62}{MODES['naive']:>18}{MODES['sealed']:>22}{'new/old':>10}")
    for name, _ in phases:
        old = statistics.median(results[(name, "naive")])
        new = statistics.median(results[(name, "sealed")])
        print(f"{name:<62}{old:>18.0f}{new:>22.0f}{new / old:>9.2f}×")
    print("CPU per case in process, app + database ms (median of rounds; load-insensitive):")
    for (name, mode), values in CPU.items():
        app = statistics.median(v[0] for v in values)
        db = statistics.median(v[1] for v in values)
        print(f"  {name}, {MODES[mode]}: {app:.1f} + {db:.1f} = {app + db:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
