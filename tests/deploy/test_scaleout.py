"""The production topology on real engines: two gunicorn app servers on one PostgreSQL database (with a
read replica configured), a Redis cache, and an RQ worker on Redis running the tracked tasks.

Cases are submitted through both servers at once; a 免申即享 batch runs on the worker. Nothing may be
lost or duplicated. The test makes its own PostgreSQL database (and a stale copy of it as the
"replica") and claims an empty Redis database, whatever database the rest of the suite runs on; it
removes all of them and stops every process it started."""

from __future__ import annotations

import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import redis
import requests

from tests.factories import DEFAULT_PASSWORD
from tests.govservices.builders import PDF

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ITEM = "000000000001"  # 企业名称自主申报: one PDF, decided at once
CASES_EACH = 5
REDIS_LOCK = "gaoxin:scaleout-test"

pytestmark = pytest.mark.postgres


def _server_url() -> str:
    """The PostgreSQL server to make the test database on: the suite's when it runs on PostgreSQL."""
    for url in (os.environ.get("GAOXIN_DATABASE_URL"), os.environ.get("GAOXIN_TEST_POSTGRES_URL")):
        if url and url.startswith(("postgres://", "postgresql://")):
            return url.rsplit("/", 1)[0]
    return "postgres://postgres@127.0.0.1:5432"


def _admin(server: str) -> psycopg.Connection:
    url = server.replace("postgres://", "postgresql://", 1) + "/postgres"
    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def _claim_redis_db() -> tuple[int, str]:
    """An empty Redis database, locked for this run, so parallel runs never share a queue."""
    token = secrets.token_hex(8)
    for db in range(1, 16):
        r = redis.Redis(host="127.0.0.1", port=6379, db=db)
        if r.set(REDIS_LOCK, token, nx=True, ex=600):
            if r.dbsize() == 1:
                return db, token
            r.delete(REDIS_LOCK)
    raise RuntimeError("Redis 没有空闲的数据库可供测试")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """Processes of one deployment, each in its own process group so it is stopped with its children."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.procs = env, logs, {}

    def start(self, name: str, *argv: str, env: dict | None = None) -> subprocess.Popen:
        out = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env or self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = (proc, out)
        return proc

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for proc, _ in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)  # gunicorn: quick shutdown; rq: warm shutdown
        deadline = time.monotonic() + 10
        for proc, out in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            out.close()


@pytest.fixture
def deployment(tmp_path):
    server = _server_url()
    try:
        admin = _admin(server)
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=3).ping()
    except (psycopg.Error, redis.RedisError) as exc:
        pytest.skip(f"需要 PostgreSQL 与 Redis：{exc}")
    name = f"scaleout_{secrets.token_hex(4)}"
    replica = f"{name}_replica"
    redis_db, lock = _claim_redis_db()
    redis_url = f"redis://127.0.0.1:6379/{redis_db}"
    data_dir = tmp_path / "shared"  # the shared mount every server and worker sees
    data_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAOXIN_", "DJANGO_", "PYTEST_"))}
    env.update(
        GAOXIN_TESTING="0",
        GAOXIN_DATA_DIR=str(data_dir),
        GAOXIN_DATABASE_URL=f"{server}/{name}",
        GAOXIN_REPLICA_URL=f"{server}/{replica}",
        GAOXIN_CACHE_URL=redis_url,
        GAOXIN_CACHE_PREFIX=name,
        GAOXIN_TASK_BACKEND="rq",
        GAOXIN_REDIS_URL=redis_url,
        GAOXIN_SECRET_KEY=secrets.token_urlsafe(50),
        GAOXIN_HTTPS="0",
        GAOXIN_ALLOWED_HOSTS="127.0.0.1",
        GAOXIN_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    stack = Stack(env, tmp_path)
    clock = Clock()
    try:
        # The servers and the worker boot while the database is migrated: they touch it only on use.
        seed = stack.start("seed", str(BIN / "python"), "-m", "tests.deploy.seed")
        ports = [_free_port(), _free_port()]
        for i, port in enumerate(ports):
            stack.start(
                f"web{i}",
                str(BIN / "gunicorn"),
                "gaoxin.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "8",
            )
        stack.start("worker", str(BIN / "gaoxin"), "rqworker", "default", "--worker-ttl", "30")
        assert seed.wait(timeout=120) == 0, stack.log("seed")
        clock.lap("migrate and seed")
        facts = json.loads(stack.log("seed").split("SEED ", 1)[1].splitlines()[0])
        # The replica is a copy taken now: everything written from here on is missing there.
        admin.execute(f'CREATE DATABASE "{replica}" TEMPLATE "{name}"')
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for i, url in enumerate(urls):
            _wait_healthy(url, stack, f"web{i}")
        clock.lap("servers ready")
        yield {
            "clock": clock,
            "urls": urls,
            "env": env,
            "stack": stack,
            "db": f"{server}/{name}".replace("postgres://", "postgresql://", 1),
            "redis": redis.Redis(host="127.0.0.1", port=6379, db=redis_db),
            "prefix": name,
            **facts,
        }
    finally:
        stack.stop()
        clock.lap("processes stopped")
        for db in (replica, name):
            admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        admin.close()
        clock.lap("databases dropped")
        print(clock)
        r = redis.Redis(host="127.0.0.1", port=6379, db=redis_db)
        keys = list(r.scan_iter("rq:*")) + list(r.scan_iter(f"{name}:*"))
        if keys:
            r.delete(*keys)
        if r.get(REDIS_LOCK) == lock.encode():
            r.delete(REDIS_LOCK)


class Clock:
    """Wall time of each phase, and the CPU time of the processes reaped so far (printed with -s)."""

    def __init__(self):
        self.start = self.last = time.monotonic()
        self.laps = []

    def lap(self, what: str) -> None:
        now = time.monotonic()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.laps.append((what, now - self.last, children.ru_utime + children.ru_stime))
        self.last = now

    def __str__(self):
        parts = ", ".join(f"{what} {secs:.1f} s (子进程 CPU {cpu:.1f} s)" for what, secs, cpu in self.laps)
        return f"scale-out: {parts}; total {self.last - self.start:.1f} s"


def _wait_healthy(url: str, stack: Stack, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc = stack.procs[name][0]
        assert proc.poll() is None, stack.log(name)
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{name} 未在 {timeout} 秒内就绪\n{stack.log(name)}")


def _token(url: str, username: str) -> dict:
    r = requests.post(
        f"{url}/api/v1/auth/token", json={"username": username, "password": DEFAULT_PASSWORD}, timeout=30
    )
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _submit(url: str, auth: dict, key: str) -> requests.Response:
    body = {"payload": json.dumps({"item": ITEM, "data": {"project": "示例项目"}})}
    return requests.post(
        f"{url}/api/v1/cases",
        data=body,
        files={"file_1": ("a.pdf", PDF, "application/pdf")},
        headers={**auth, "Idempotency-Key": key},
        timeout=60,
    )


def test_two_servers_and_a_worker_lose_and_duplicate_nothing(deployment):
    urls = deployment["urls"]
    # A token issued by one server is good on the other: no state lives in an app server.
    auth = {u: _token(urls[i % 2], u) for i, u in enumerate(deployment["submitters"])}

    # 1. Every submitter sends CASES_EACH cases, alternating servers, all at the same time.
    jobs = [
        (urls[(n + i) % 2], user, f"{user}-case-{i}")
        for n, user in enumerate(auth)
        for i in range(CASES_EACH)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda j: (j, _submit(j[0], auth[j[1]], j[2])), jobs))
    acknowledged = {}
    for (_, user, key), r in answers:
        assert r.status_code == 201, r.text
        acknowledged[(user, key)] = r.json()["number"]

    # 2. The same key sent to both servers at the same moment makes one case, answered to both.
    def race(user):
        barrier = threading.Barrier(2)

        def one(url):
            barrier.wait()
            return _submit(url, auth[user], f"{user}-race")

        with ThreadPoolExecutor(max_workers=2) as pair:
            return list(pair.map(one, urls))

    with ThreadPoolExecutor(max_workers=len(auth)) as pool:
        for user, pair in zip(auth, pool.map(race, auth), strict=True):
            assert sorted(r.status_code for r in pair) == [200, 201], [r.text for r in pair]
            assert pair[0].json()["number"] == pair[1].json()["number"]
            acknowledged[(user, f"{user}-race")] = pair[0].json()["number"]

    # 3. A client that retries on the other server gets the case it already has.
    for (user, key), number in acknowledged.items():
        first = next((j[0] for j, _ in answers if j[1:] == (user, key)), urls[0])
        other = urls[1] if first == urls[0] else urls[0]
        r = _submit(other, auth[user], key)
        assert r.status_code == 200 and r.json()["number"] == number, r.text

    with psycopg.connect(deployment["db"]) as conn:
        numbers = [row[0] for row in conn.execute("SELECT number FROM govservices_case")]
        keys = conn.execute("SELECT count(*) FROM govservices_submissionkey").fetchone()[0]
    assert sorted(numbers) == sorted(acknowledged.values())  # each acknowledged case once, nothing else
    assert len(set(acknowledged.values())) == len(acknowledged) == keys
    deployment["clock"].lap(f"{len(answers) + 2 * len(auth) + len(acknowledged)} submissions")

    # 4. A 免申即享 batch started through one server runs on the worker; its progress is read on the other.
    officer = _token(urls[0], deployment["officer"])
    r = requests.post(f"{urls[0]}/api/v1/clauses/{deployment['clause']}/batch", headers=officer, timeout=30)
    assert r.status_code == 202, r.text
    run_id = r.json()["task_run"]
    deadline = time.monotonic() + 60
    while True:
        run = requests.get(f"{urls[1]}/api/v1/tasks/{run_id}", headers=officer, timeout=10).json()
        if run["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert run["status"] == "succeeded", (run, deployment["stack"].log("worker"))
    eligible = deployment["eligible"]
    assert run["result"]["符合条件企业"] == run["result"]["新生成待审核"] == eligible
    assert run["done"] == run["total"] == eligible and run["percent"] == 100

    rq = deployment["redis"]
    assert rq.zcard("rq:finished:default") == 1 and rq.zcard("rq:failed:default") == 0
    with psycopg.connect(deployment["db"]) as conn:
        awards = conn.execute(
            "SELECT count(*), count(DISTINCT enterprise_id) FROM policies_award WHERE batch_run_id = %s",
            [run_id],
        ).fetchone()
        runs = conn.execute("SELECT count(*) FROM core_taskrun").fetchone()[0]
        batches = conn.execute("SELECT count(*) FROM core_auditevent WHERE action = 'award.batch'").fetchone()
    assert awards == (eligible, eligible) and runs == 1 and batches[0] == 1
    deployment["clock"].lap("batch on the worker")

    # 5. The router: reads stay on the primary unless asked; asked, they go to the (stale) replica,
    #    except inside a transaction. The cache is the shared Redis.
    probe = subprocess.run(
        [str(BIN / "gaoxin"), "shell", "-c", ROUTER_PROBE],
        cwd=ROOT,
        env=deployment["env"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen == {"primary": len(numbers), "replica": 0, "in_transaction": len(numbers), "cache": True}
    assert rq.get(f"{deployment['prefix']}:1:scaleout-probe") is not None
    deployment["clock"].lap("router probe")


ROUTER_PROBE = """
import json
from django.core.cache import cache
from django.db import transaction
from gaoxin.core.dbrouter import using_replica
from gaoxin.govservices.models import Case

cache.set("scaleout-probe", 1)
with using_replica():
    replica = Case.objects.count()
    with transaction.atomic():
        in_transaction = Case.objects.count()
print(json.dumps({"primary": Case.objects.count(), "replica": replica,
                  "in_transaction": in_transaction, "cache": cache.get("scaleout-probe") == 1}))
"""
