"""Backup → wipe → restore on real processes and the engine the suite runs on: the restored installation
has the same rows, a verifying audit chain, a genuine licence and readable uploads; a tampered backup and
a non-empty installation are refused.

On SQLite each installation is its own file under its own data dir; on PostgreSQL the test makes its
own scratch databases (as tests/deploy/test_scaleout.py does) and drops them."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _server_url() -> str:
    for url in (os.environ.get("GAOXIN_DATABASE_URL"), os.environ.get("GAOXIN_TEST_POSTGRES_URL")):
        if url and url.startswith(("postgres://", "postgresql://")):
            return url.rsplit("/", 1)[0]
    return "postgres://postgres@127.0.0.1:5432"


class Installations:
    """Empty installations (a data dir and a database) made on demand, removed at the end."""

    def __init__(self, tmp_path: Path):
        self.tmp, self.dbs, self.n = tmp_path, [], 0
        self.admin = None
        if ON_POSTGRES:
            import psycopg

            self.server = _server_url()
            url = self.server.replace("postgres://", "postgresql://", 1) + "/postgres"
            self.admin = psycopg.connect(url, autocommit=True, connect_timeout=5)

    def new(self) -> dict:
        self.n += 1
        data_dir = self.tmp / f"site{self.n}"
        data_dir.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GAOXIN_", "DJANGO_", "PYTEST_"))}
        env.update(
            GAOXIN_TESTING="0",
            GAOXIN_DATA_DIR=str(data_dir),
            GAOXIN_HTTPS="0",
            GAOXIN_TASK_BACKEND="immediate",
            GAOXIN_ALLOWED_HOSTS="testserver,127.0.0.1",
            GAOXIN_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        if self.admin is not None:
            name = f"ops_backup_{secrets.token_hex(4)}"
            self.admin.execute(f'CREATE DATABASE "{name}"')
            self.dbs.append(name)
            env["GAOXIN_DATABASE_URL"] = f"{self.server}/{name}"
        return env

    def close(self) -> None:
        if self.admin is not None:
            for name in self.dbs:
                self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.admin.close()


@pytest.fixture
def sites(tmp_path):
    made = Installations(tmp_path)
    try:
        yield made
    finally:
        made.close()


def run(env: dict, *argv: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if ok:
        assert done.returncode == 0, f"{argv}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def gaoxin(env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    return run(env, str(BIN / "gaoxin"), *args, ok=ok)


def facts(env: dict) -> dict:
    out = run(env, str(BIN / "python"), "-m", "tests.ops.probe", "facts").stdout
    return json.loads(out.split("FACTS ", 1)[1].splitlines()[0])


def test_backup_wipe_restore_keeps_everything_and_refuses_tampering(sites, tmp_path):
    live = sites.new()
    run(live, str(BIN / "python"), "-m", "tests.ops.probe", "seed")
    backup_dir = tmp_path / "backup"
    gaoxin(live, "backup", str(backup_dir))
    before = facts(live)
    assert before["licence"] == "valid" and before["licence_pdf"] == "%PDF-"
    assert len(before["uploads"]) == 3 and before["awards"] == ["123450.00"]
    assert before["counts"]["core.AuditEvent"] > 0 and before["counts"]["govservices.Licence"] == 1

    manifest = json.loads((backup_dir / "manifest.json").read_text())
    names = set(manifest["files"])
    assert manifest["database"]["file"] in names
    assert manifest["database"]["file"] == ("database.dump" if ON_POSTGRES else "database.sqlite3")
    assert any(n.startswith("data/media/cases/") for n in names)
    assert any(n.startswith("data/keys/") and n.endswith(".pem") for n in names)
    assert manifest["audit_head"]["seq"] == before["counts"]["core.AuditEvent"]

    # The machine is lost: a new empty database and an empty data dir, then the restore.
    fresh = sites.new()
    done = gaoxin(fresh, "restore", str(backup_dir))
    assert "审计链完好" in done.stdout
    after = facts(fresh)
    assert after == before
    assert "审计链完好" in gaoxin(fresh, "audit", "verify").stdout

    # Restoring over an installation that has data is refused without --force, and works with it.
    refused = gaoxin(fresh, "restore", str(backup_dir), ok=False)
    assert refused.returncode != 0 and "--force" in refused.stderr
    gaoxin(fresh, "restore", str(backup_dir), "--force")
    assert facts(fresh) == before

    # One changed byte in an uploaded file, or in the database file, and the backup is refused untouched.
    upload = next(backup_dir / n for n in sorted(names) if n.startswith("data/media/cases/"))
    original = upload.read_bytes()
    upload.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    target = sites.new()
    refused = gaoxin(target, "restore", str(backup_dir), ok=False)
    assert refused.returncode != 0 and "校验和不符" in refused.stderr and upload.name in refused.stderr
    assert not any((Path(target["GAOXIN_DATA_DIR"]) / "media").glob("**/*.pdf"))
    upload.write_bytes(original)
    (backup_dir / "data" / "media" / "extra.txt").write_text("planted")
    refused = gaoxin(target, "restore", str(backup_dir), ok=False)
    assert "清单中没有这个文件" in refused.stderr
