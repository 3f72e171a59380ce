"""Crash safety on real processes: processes killed with SIGKILL in the middle of their work.

A gunicorn app server (a master with two workers) and the database task worker (`gaoxin db_worker`)
run on their own PostgreSQL database. An app worker is killed while eight clients submit cases, and
the task worker is killed in the middle of a 免申即享 batch. Nothing acknowledged may be lost, nothing
duplicated; an interrupted batch is recorded as failed when a worker starts again and its rerun
makes the missing awards only. The test makes its own database and removes it, and stops every
process it started."""

from __future__ import annotations

import json
import os
import secrets
import signal
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import requests

from tests.deploy.test_scaleout import (
    BIN,
    Stack,
    _admin,
    _free_port,
    _server_url,
    _submit,
    _token,
    _wait_healthy,
)

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 8
CASES_EACH = 8  # per submitter: six submitters, 48 cases
ELIGIBLE = 2500  # five chunks of 500: the batch takes long enough to be killed between two of them

pytestmark = pytest.mark.postgres


def _children(pid: int) -> set[int]:
    kids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.add(int(stat.parent.name))
    return kids


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crash")
    server = _server_url()
    try:
        admin = _admin(server)
    except psycopg.Error as exc:
        pytest.skip(f"需要 PostgreSQL：{exc}")
    name = f"crash_{secrets.token_hex(4)}"
    (tmp / "data").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAOXIN_", "DJANGO_", "PYTEST_"))}
    env.update(
        GAOXIN_TESTING="0",
        GAOXIN_DATA_DIR=str(tmp / "data"),
        GAOXIN_DATABASE_URL=f"{server}/{name}",
        GAOXIN_TASK_BACKEND="db",
        GAOXIN_SECRET_KEY=secrets.token_urlsafe(50),
        GAOXIN_HTTPS="0",
        GAOXIN_ALLOWED_HOSTS="127.0.0.1",
        GAOXIN_LOG_LEVEL="WARNING",
        GAOXIN_SEED_ELIGIBLE=str(ELIGIBLE),
        PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'src'}",  # this checkout's code, whatever is installed
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    stack = Stack(env, tmp)
    try:
        seed = stack.start("seed", str(BIN / "python"), "-m", "tests.deploy.seed")
        port = _free_port()
        web = stack.start(
            "web", str(BIN / "gunicorn"), "gaoxin.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
            "--threads", "4",
        )  # fmt: skip
        assert seed.wait(timeout=300) == 0, stack.log("seed")
        facts = json.loads(stack.log("seed").split("SEED ", 1)[1].splitlines()[0])
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, stack, "web")
        yield {
            "url": url,
            "web": web,
            "stack": stack,
            "env": env,
            "db": f"{server}/{name}".replace("postgres://", "postgresql://", 1),
            **facts,
        }
    finally:
        stack.stop()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _audit_verified(deployment) -> str:
    import subprocess

    done = subprocess.run(
        [str(BIN / "gaoxin"), "audit", "verify"],
        env=deployment["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_killed_app_worker_loses_and_duplicates_no_acknowledged_case(deployment):
    url, master = deployment["url"], deployment["web"].pid
    auth = {u: _token(url, u) for u in deployment["submitters"]}
    jobs = [(user, f"{user}-crash-{i}") for i in range(CASES_EACH) for user in auth]
    answers: dict[str, list[tuple[int, str]]] = defaultdict(list)  # key → every 2xx (status, number)
    failures: dict[str, int] = defaultdict(int)  # key → attempts that got no answer or a 5xx
    acknowledged = threading.Semaphore(0)

    def submit(job):
        user, key = job
        for _ in range(40):
            try:
                r = _submit(url, auth[user], key)
            except requests.RequestException:  # reset, refused, cut off mid-answer, timed out
                failures[key] += 1
                time.sleep(0.2)
                continue
            if r.status_code >= 500:
                failures[key] += 1
                time.sleep(0.2)
                continue
            assert r.status_code in (200, 201), r.text
            answers[key].append((r.status_code, r.json()["number"]))
            acknowledged.release()
            return
        raise AssertionError(f"{key} 重试 40 次仍未得到答复")

    workers_before = _children(master)
    assert len(workers_before) == 2, workers_before
    killed = []

    def killer():
        for _ in range(CLIENTS):  # a few cases in, while all eight clients are sending
            acknowledged.acquire(timeout=120)
        victim = sorted(workers_before)[0]
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)

    kill = threading.Thread(target=killer)
    kill.start()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(submit, jobs))
    kill.join()

    assert killed, "没有杀死应用进程"
    workers_after = _children(master)
    assert len(workers_after) == 2 and killed[0] not in workers_after  # gunicorn started a new worker
    assert sum(failures.values()) > 0, "被杀死的进程当时没有正在处理的请求，本测试没有检验到中断"
    for key, got in answers.items():
        assert len(got) == 1, (key, got)

    with psycopg.connect(deployment["db"]) as conn:
        rows = conn.execute(
            "SELECT k.key, c.number FROM govservices_submissionkey k JOIN govservices_case c ON c.id = k.case_id"
        ).fetchall()
        cases = conn.execute("SELECT number FROM govservices_case").fetchall()
    by_key = dict(rows)
    assert len(rows) == len(by_key) == len(jobs)  # one key row per submission: no duplicate by key
    assert sorted(n for (n,) in cases) == sorted(by_key.values())  # no case without its key
    for key, [(_, number)] in answers.items():
        assert by_key[key] == number  # a retried key answered the case it had made
    retried_and_found = [k for k in failures if answers[k][0][0] == 200]
    print(f"crash: {sum(failures.values())} 次请求中断，{len(retried_and_found)} 个重试取回了已建立的办件")
    assert "审计链完好" in _audit_verified(deployment)


def test_killed_task_worker_batch_is_marked_failed_and_reruns_without_duplicates(deployment):
    url, stack, db = deployment["url"], deployment["stack"], deployment["db"]
    officer = _token(url, deployment["officer"])
    worker = stack.start("worker1", str(BIN / "gaoxin"), "db_worker", "--interval", "0.2")
    r = requests.post(f"{url}/api/v1/clauses/{deployment['clause']}/batch", headers=officer, timeout=30)
    assert r.status_code == 202, r.text
    first = r.json()["task_run"]

    with psycopg.connect(db, autocommit=True) as conn:

        def awards(run=None):
            sql = "SELECT count(*), count(DISTINCT enterprise_id) FROM policies_award"
            if run is None:
                return conn.execute(sql).fetchone()
            return conn.execute(sql + " WHERE batch_run_id = %s", [run]).fetchone()

        def run_row(pk):
            return conn.execute(
                "SELECT status, message, worker FROM core_taskrun WHERE id = %s", [pk]
            ).fetchone()

        deadline = time.monotonic() + 180
        while awards(first)[0] == 0:
            assert worker.poll() is None, stack.log("worker1")
            assert time.monotonic() < deadline, stack.log("worker1")
            time.sleep(0.02)
        os.killpg(worker.pid, signal.SIGKILL)  # after its first chunk committed
        worker.wait()
        made, _ = awards(first)
        assert 0 < made < ELIGIBLE, f"批次在被终止前已完成（{made} 户），未能检验中断"
        status, _, who = run_row(first)
        assert status == "running" and f":{worker.pid}:" in who  # nothing could record the death

        stack.start("worker2", str(BIN / "gaoxin"), "db_worker", "--interval", "0.2")
        deadline = time.monotonic() + 60
        while run_row(first)[0] == "running":
            assert time.monotonic() < deadline, stack.log("worker2")
            time.sleep(0.1)
        status, message, _ = run_row(first)
        assert status == "failed" and "中断" in message
        queue = conn.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE args_kwargs->'args'->>1 = %s",
            [str(first)],
        ).fetchall()
        assert queue == [("FAILED",)]
        page = requests.get(f"{url}/api/v1/tasks/{first}", headers=officer, timeout=10).json()
        assert page["status"] == "failed" and page["message"] == message

        r = requests.post(f"{url}/api/v1/clauses/{deployment['clause']}/batch", headers=officer, timeout=30)
        assert r.status_code == 202, r.text
        second = r.json()["task_run"]
        deadline = time.monotonic() + 240
        while (run := requests.get(f"{url}/api/v1/tasks/{second}", headers=officer, timeout=10).json())[
            "status"
        ] not in ("succeeded", "failed"):
            assert time.monotonic() < deadline, stack.log("worker2")
            time.sleep(0.2)
        assert run["status"] == "succeeded", (run, stack.log("worker2"))
        assert run["result"]["符合条件企业"] == ELIGIBLE
        assert run["result"]["已有记录跳过"] == made
        assert run["result"]["新生成待审核"] == ELIGIBLE - made
        assert awards() == (ELIGIBLE, ELIGIBLE)  # every eligible enterprise once: no duplicate award
        assert awards(first)[0] == made and awards(second)[0] == ELIGIBLE - made
        events = dict(
            conn.execute(
                "SELECT action, count(*) FROM core_auditevent WHERE action IN ('task.interrupted', 'award.batch')"
                " GROUP BY action"
            ).fetchall()
        )
        assert events == {"task.interrupted": 1, "award.batch": 1}
    assert "审计链完好" in _audit_verified(deployment)
