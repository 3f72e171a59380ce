"""/readyz names each check (database, migrations, task backend, storage) and answers 200 only when all
pass; /healthz stays the liveness answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
CHECKS = {"database", "migrations", "tasks", "storage"}


@pytest.mark.django_db
def test_ready_installation_answers_200_naming_every_check(client):
    r = client.get("/readyz")
    body = r.json()
    assert r.status_code == 200 and body["status"] == "ok"
    assert set(body["checks"]) == CHECKS and all(c["ok"] for c in body["checks"].values())
    assert body["checks"]["migrations"]["detail"] == "applied"
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_unwritable_storage_answers_503_and_names_storage(client, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the media directory should be")
    with override_settings(MEDIA_ROOT=str(blocker)):
        r = client.get("/readyz")
    body = r.json()
    assert r.status_code == 503 and body["status"] == "unavailable"
    assert body["checks"]["storage"]["ok"] is False
    assert all(body["checks"][name]["ok"] for name in CHECKS - {"storage"})


def _readyz_in(env_extra: dict, tmp_path: Path) -> tuple[int, dict]:
    """GET /readyz in a separate process on its own (unmigrated) installation."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAOXIN_", "DJANGO_", "PYTEST_"))}
    env.update(GAOXIN_TESTING="0", GAOXIN_HTTPS="0", GAOXIN_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    env.update(GAOXIN_ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="gaoxin.settings", **env_extra)
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/readyz'); print('READYZ', r.status_code, json.dumps(r.json()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    status, body = done.stdout.split("READYZ ", 1)[1].split(" ", 1)
    return int(status), json.loads(body)


def test_unmigrated_database_answers_503_and_names_migrations(tmp_path):
    status, body = _readyz_in({}, tmp_path)
    assert status == 503 and body["checks"]["database"]["ok"] is True
    assert (
        body["checks"]["migrations"]["ok"] is False
        and "not applied" in body["checks"]["migrations"]["detail"]
    )


def test_unreachable_database_answers_503_and_names_the_database(tmp_path):
    status, body = _readyz_in({"GAOXIN_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}, tmp_path)
    assert status == 503 and set(body["checks"]) == CHECKS
    assert body["checks"]["database"]["ok"] is False and not body["checks"]["migrations"]["ok"]
