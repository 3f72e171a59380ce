"""Every migration that rewrites data can be reversed or says why its reverse does nothing, and the
whole schema goes back to zero and forward again on a fresh SQLite database."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import migrations
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "accounts", "enterprises", "govservices", "policies", "investment", "economy"]


def _data_operations():
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in APPS:
            continue
        for op in migration.operations:
            if isinstance(op, migrations.RunPython | migrations.RunSQL):
                yield f"{app}.{name}", migration, op


def test_every_data_migration_is_reversible_or_says_why_not():
    seen, problems = 0, []
    for label, migration, op in _data_operations():
        seen += 1
        if isinstance(op, migrations.RunPython):
            reverse = op.reverse_code
            noop = reverse is migrations.RunPython.noop
        else:
            reverse = op.reverse_sql
            noop = reverse == migrations.RunSQL.noop
        if reverse is None and not getattr(migration, "irreversible_reason", "").strip():
            problems.append(f"{label}: 没有反向操作，也没有 irreversible_reason")
        if noop and not getattr(migration, "reverse_noop_reason", "").strip():
            problems.append(f"{label}: 反向操作为空，却没有 reverse_noop_reason 说明原因")
    assert seen >= 8  # the walk really reads the migrations
    assert problems == []


def test_schema_migrates_to_zero_and_back(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAOXIN_", "DJANGO_"))}
    env.update(
        GAOXIN_TESTING="1",
        GAOXIN_DATA_DIR=str(tmp_path),
        GAOXIN_DATABASE_URL=f"sqlite:///{tmp_path / 'zero.sqlite3'}",
        PYTHONPATH=str(ROOT / "src"),
    )

    def migrate(*args):
        done = subprocess.run(
            [sys.executable, "-m", "gaoxin.cli", "migrate", "-v0", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert done.returncode == 0, (args, done.stderr[-3000:])

    migrate()
    for app in reversed(APPS):  # the upper pillars first: each app's zero unapplies its dependents
        migrate(app, "zero")
    migrate()
    migrate("--check")
