"""The audit benchmark's small mode runs end to end — the old head-locking append and sealing, in
process and over HTTP through two gunicorn processes — on the kind of database the suite runs on
(its own throw-away database or file), and every phase leaves an intact chain."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]


def _bench_url(tmp_path) -> str:
    url = os.environ.get("GAOXIN_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    parts = urlparse(url)
    base = os.environ.get("GAOXIN_TEST_DB_NAME") or f"test_{parts.path.lstrip('/')}"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return url.rsplit("/", 1)[0] + f"/{base}_audit_bench" + (f"_{worker}" if worker else "")


def _drop(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    admin = url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{urlparse(url).path.lstrip("/")}" WITH (FORCE)')


def test_small_benchmark_compares_both_appends(tmp_path):
    url = _bench_url(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in {"GAOXIN_TESTING", "GAOXIN_DATABASE_URL"}}
    env.update(GAOXIN_BENCH_DATABASE_URL=url, GAOXIN_DATA_DIR=str(tmp_path / "data"))
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "audit_append.py"), "--small"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        _drop(url)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "machine:" in out and "CPU (nproc)" in out
    assert out.count("审计链完好") == 8 and "unsealed at the end" in out
    assert "CPU per case in process" in out and "CPU per case: app" in out
    for phase in ("in process, 1 thread", "in process, 4 threads", "HTTP, 2 gunicorn"):
        assert re.search(rf"^{re.escape(phase)}.*\s\d+\s+\d+\s+[\d.]+×$", out, re.M), out
    for answer in ("full answer", "receipt"):  # over HTTP, the whole case and Prefer: return=minimal
        assert re.search(rf"^HTTP, 2 gunicorn.*, {answer}\s+\d+\s+\d+\s+[\d.]+×$", out, re.M), out
