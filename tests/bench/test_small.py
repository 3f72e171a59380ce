"""Every benchmark in bench/ runs end to end in its small mode (seconds), so a schema or API change
that breaks one fails the suite instead of rotting unseen. The sweep lists bench/ itself: a new
benchmark is run without being registered here; a file that is not a benchmark must say why."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"

# modules of bench/ that are not benchmarks themselves (no `__main__`), and what runs them
HELPERS = {
    "audit_naive.py": "the naive audit append that bench/audit_append.py compares against",
    "audit_wsgi.py": "the WSGI entry bench/audit_append.py serves through gunicorn",
}
# benchmarks whose small mode has its own, more thorough test
RUN_ELSEWHERE = {
    "audit_append.py": ROOT / "tests" / "core" / "test_audit_bench.py",
    "investment_kpis.py": ROOT / "tests" / "investment" / "test_bench.py",
}
# how each benchmark takes its database: "server" (creates the named one on that server),
# "url" (GAOXIN_BENCH_DATABASE_URL is the whole URL), "env" (GAOXIN_DATABASE_URL), "local" (any)
DATABASE = {
    "policy_matching.py": "server",
    "govservices_cases.py": "url",
    "enterprises.py": "env",
    "economy_review.py": "env",
    "calendar_deadlines.py": "local",
}


def benchmarks() -> list[str]:
    return sorted(p.name for p in BENCH.glob("*.py"))


def _postgres() -> str | None:
    url = os.environ.get("GAOXIN_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def test_every_file_in_bench_is_a_benchmark_or_a_named_helper():
    for name in benchmarks():
        text = (BENCH / name).read_text()
        if name in HELPERS:
            assert "__main__" not in text, f"{name} is listed as a helper but runs as a script"
            continue
        assert '__name__ == "__main__"' in text, f"{name}: not a benchmark; list it in HELPERS with why"
        assert "--small" in text, f"bench/{name} has no --small mode"
        assert name in DATABASE or name in RUN_ELSEWHERE, f"say how bench/{name} gets its database"
    for name, test in RUN_ELSEWHERE.items():
        assert f'"{name}"' in test.read_text() and "--small" in test.read_text(), test


def _database_env(name: str, kind: str, tmp_path) -> dict:
    if kind == "local":
        return {}
    url = _postgres()
    assert url, f"bench/{name} needs PostgreSQL (GAOXIN_DATABASE_URL=postgres://…)"
    parts = urlparse(url)
    db = f"{parts.path.lstrip('/')}_bench_{Path(name).stem}"
    server = url.rsplit("/", 1)[0]
    if kind == "server":
        return {"GAOXIN_BENCH_DATABASE_URL": server + "/", "_DB": db}
    if kind == "url":
        return {"GAOXIN_BENCH_DATABASE_URL": f"{server}/{db}", "_DB": db}
    return {"GAOXIN_DATABASE_URL": f"{server}/{db}", "_DB": db}


def _drop(db: str) -> None:
    import psycopg

    admin = _postgres().replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def small_runs() -> list[str]:
    """The benchmarks this pass runs: all of them on PostgreSQL; on SQLite those that take any
    database (the others run in the suite's PostgreSQL pass, which CI requires — not skipped here)."""
    names = [n for n in benchmarks() if n not in HELPERS and n not in RUN_ELSEWHERE]
    return [n for n in names if _postgres() or DATABASE.get(n) == "local"]


@pytest.mark.parametrize("name", small_runs())
def test_benchmark_runs_small(name, tmp_path):
    extra = _database_env(name, DATABASE[name], tmp_path)
    db = extra.pop("_DB", None)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"GAOXIN_TESTING", "GAOXIN_DATABASE_URL", "GAOXIN_BENCH_DATABASE_URL"}
    }
    env.update(GAOXIN_DATA_DIR=str(tmp_path / "data"), GAOXIN_HTTPS="0", **extra)
    (tmp_path / "data").mkdir()
    args = [sys.executable, str(BENCH / name), "--small"]
    if DATABASE[name] == "server":
        args += ["--database", db]
    try:
        done = subprocess.run(
            args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
        )
    finally:
        if db:
            _drop(db)
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-3000:])
    assert "machine" in done.stdout or "机器" in done.stdout, done.stdout[-2000:]
