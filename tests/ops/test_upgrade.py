"""An upgrade from the previous release: the demo zone is built by that release's own code (taken from
this repository's history with `git archive`) on a fresh PostgreSQL database, then the current code
migrates it forward. Records, ledger balances and the audit chain must come through unchanged, and the
current code must read them (its reconciliation of awards, payments and ledger finds nothing wrong).

The previous release is the tag PREVIOUS; a clone without tags falls back to its commit. A copy of the
code without its history cannot run this test, and says so: it fails, it does not skip."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import psycopg
import pytest

from tests.deploy.test_scaleout import _admin, _server_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PREVIOUS = "v0.9.0"
PREVIOUS_SHA = "211f7e9697093a4daad95d296daa5ea3c5a6b6f9"  # what v0.9.0 tags
ENTERPRISES = 100  # the old demo's --enterprises: a small zone that still has cases, awards and payments
BUDGET_SECONDS = 180

pytestmark = pytest.mark.postgres

# Counted before and after: the upgrade must neither lose nor invent a row of these.
TABLES = [
    "accounts_user",
    "enterprises_enterprise",
    "enterprises_report",
    "govservices_case",
    "govservices_licence",
    "policies_clause",
    "policies_award",
    "policies_ledgerentry",
    "policies_paymentbatch",
    "core_auditevent",
]


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [shutil.which("git") or "git", "-C", str(ROOT), *args], capture_output=True, timeout=60
    )


def _previous_release() -> str:
    top = _git("rev-parse", "--show-toplevel")
    if top.returncode != 0:
        pytest.fail(f"升级测试需要代码仓库的 git 历史，{ROOT} 不是 git 仓库：{top.stderr.decode().strip()}")
    for ref in (PREVIOUS, PREVIOUS_SHA):
        if _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode == 0:
            return ref
    pytest.fail(
        f"仓库中既没有标签 {PREVIOUS}，也没有提交 {PREVIOUS_SHA}：浅克隆请先 git fetch --unshallow --tags"
    )


def _export(ref: str, dest: Path) -> Path:
    archive = dest / "previous.tar"
    done = _git("archive", "--format=tar", "-o", str(archive), ref)
    assert done.returncode == 0, done.stderr.decode()
    with tarfile.open(archive) as tar:
        tar.extractall(dest / "previous", filter="data")
    return dest / "previous"


def _gaoxin(code: Path, env: dict, *args: str, timeout: float = 150) -> str:
    done = subprocess.run(
        [str(BIN / "python"), "-m", "gaoxin.cli", *args],
        cwd=code,
        env={**env, "PYTHONPATH": str(code / "src")},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, (
        f"gaoxin {' '.join(args)} ({code})\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    )
    return done.stdout


def _facts(db: str) -> dict:
    with psycopg.connect(db) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608
        ledger = {
            f"{budget}:{kind}": str(total)
            for budget, kind, total in conn.execute(
                "SELECT budget_id, kind, sum(amount) FROM policies_ledgerentry GROUP BY budget_id, kind"
            )
        }
        head = conn.execute(
            "SELECT seq, hash FROM core_auditevent WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
        )
    return {"counts": counts, "ledger": ledger, "audit_head": list(head.fetchone() or ())}


READ_BACK = """
import json
from gaoxin.policies.models import Budget, LedgerEntry
from gaoxin.policies.services import money
from django.db.models import Sum
balances = {}
for budget in Budget.objects.all():
    b = money.budget_balance(budget)
    balances[budget.pk] = {"paid": str(b["paid"]), "committed": str(b["committed"]),
                           "available": str(b["available"])}
print("READ " + json.dumps({"reconcile": money.reconcile(), "balances": balances,
                            "paid": str(LedgerEntry.objects.filter(kind="pay").aggregate(t=Sum("amount"))["t"])}))
"""


def test_upgrade_from_the_previous_release_keeps_records_balances_and_chain(tmp_path):
    started = time.monotonic()
    ref = _previous_release()
    previous = _export(ref, tmp_path)
    server = _server_url()
    try:
        admin = _admin(server)
    except psycopg.Error as exc:
        pytest.skip(f"需要 PostgreSQL：{exc}")
    name = f"upgrade_{secrets.token_hex(4)}"
    db = f"{server}/{name}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAOXIN_", "DJANGO_", "PYTEST_"))}
    env.update(
        GAOXIN_DATABASE_URL=db,
        GAOXIN_DATA_DIR=str(tmp_path / "data"),
        GAOXIN_SECRET_KEY=secrets.token_urlsafe(50),
        GAOXIN_HTTPS="0",
        GAOXIN_LOG_LEVEL="WARNING",
    )
    (tmp_path / "data").mkdir()
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _gaoxin(previous, env, "migrate", "-v0")
        _gaoxin(previous, env, "demo", "--enterprises", str(ENTERPRISES), "-v0")
        psql = db.replace("postgres://", "postgresql://", 1)
        before = _facts(psql)
        assert before["counts"]["govservices_case"] > 0 and before["counts"]["policies_ledgerentry"] > 0
        assert before["counts"]["policies_paymentbatch"] > 0

        pending = _gaoxin(ROOT, env, "migrate", "--plan")
        assert "No planned migration operations" not in pending  # the previous release is really older
        _gaoxin(ROOT, env, "migrate", "-v0")
        _gaoxin(ROOT, env, "migrate", "--check")

        after = _facts(psql)
        assert after == before
        assert "审计链完好" in _gaoxin(ROOT, env, "audit", "verify")
        read = json.loads(_gaoxin(ROOT, env, "shell", "-c", READ_BACK).split("READ ", 1)[1])
        assert read["reconcile"] == []
        paid = {k: v for k, v in before["ledger"].items() if k.endswith(":pay")}
        assert {f"{pk}:pay": b["paid"] for pk, b in read["balances"].items() if b["paid"] != "0.00"} == paid
        assert all(not b["available"].startswith("-") for b in read["balances"].values())
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    elapsed = time.monotonic() - started
    print(f"upgrade from {ref}: {elapsed:.1f} s")
    assert elapsed < BUDGET_SECONDS, f"升级测试耗时 {elapsed:.0f} 秒，超过 {BUDGET_SECONDS} 秒"
