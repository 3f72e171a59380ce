"""Structured logs carry the audit log's request id and no personal data beyond masked identifiers;
audit retention is at least six months; sealed blocks are exported for archiving."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from gaoxin.core import audit, logs
from gaoxin.core.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, citizen_user

ROOT = Path(__file__).resolve().parents[2]
ID_CARD = "11010519491231002X"


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    access = logging.getLogger("gaoxin.access")
    old = access.level
    root.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        access.setLevel(old)


@pytest.mark.django_db
def test_access_line_carries_the_audit_request_id_and_no_names(client, json_log):
    user = citizen_user("citizen", ID_CARD)
    r = client.post(
        "/api/v1/auth/token",
        json.dumps({"username": "citizen", "password": DEFAULT_PASSWORD}),
        content_type="application/json",
    )
    assert r.status_code == 201
    rid = r["X-Request-ID"]
    event = AuditEvent.objects.filter(action="token.issue").get()
    assert event.request_id == rid
    lines = [e for e in json_log() if e["logger"] == "gaoxin.access"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == rid and line["status"] == 201 and line["method"] == "POST"
    assert line["route"].startswith("/api/v1/") and line["duration_ms"] >= 0
    assert "citizen" not in json.dumps(line, ensure_ascii=False) and ID_CARD not in json.dumps(line)
    assert user.pk is not None


@pytest.mark.django_db
def test_identifiers_and_mobiles_in_messages_are_masked(json_log):
    logging.getLogger("gaoxin.test").warning(
        "申请人 %s 电话 %s 企业 %s", ID_CARD, "13812345678", "91350100M000100Y43", extra={"who": ID_CARD}
    )
    (entry,) = [e for e in json_log() if e["logger"] == "gaoxin.test"]
    text = json.dumps(entry, ensure_ascii=False)
    assert ID_CARD not in text and "13812345678" not in text and "91350100M000100Y43" not in text
    assert "110105********002X" in entry["message"] and "138****5678" in entry["message"]
    assert entry["who"] == "110105********002X" and entry["level"] == "WARNING"


def _settings_load(**env_extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAOXIN_", "DJANGO_", "PYTEST_"))}
    env.update(
        GAOXIN_TESTING="1", DJANGO_SETTINGS_MODULE="gaoxin.settings", PYTHONPATH=str(ROOT), **env_extra
    )
    code = "import django; django.setup(); from django.conf import settings; print(settings.AUDIT_RETENTION_DAYS)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_audit_retention_below_six_months_refuses_to_start(tmp_path):
    short = _settings_load(GAOXIN_AUDIT_RETENTION_DAYS="90", GAOXIN_DATA_DIR=str(tmp_path))
    assert short.returncode != 0 and "at least 180" in short.stderr
    ok = _settings_load(GAOXIN_AUDIT_RETENTION_DAYS="200", GAOXIN_DATA_DIR=str(tmp_path))
    assert ok.returncode == 0 and ok.stdout.strip() == "200"


@pytest.mark.django_db(transaction=True)
def test_sealed_blocks_export_once_with_checksums_and_chain(tmp_path, settings):
    settings.AUDIT_RETENTION_DAYS = 200
    for n in range(5):
        audit.record(actor=None, action="test.event", object_type="t", object_id=str(n))
    audit.seal(wait=True)
    archive = tmp_path / "archive"
    call_command("audit", "export", str(archive), stdout=io.StringIO())
    files = sorted(archive.glob("audit-*.jsonl"))
    assert files
    rows = [json.loads(line) for f in files for line in f.read_text().splitlines()]
    sealed = list(AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values_list("seq", "hash"))
    assert [(r["seq"], r["hash"]) for r in rows] == sealed
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:], strict=False))
    for f in files:
        digest, name, _, keep_until = (archive / f"{f.name}.sha256").read_text().split()
        assert digest == hashlib.sha256(f.read_bytes()).hexdigest() and name == f.name and keep_until

    # A second run writes only what was sealed since.
    call_command("audit", "export", str(archive), stdout=io.StringIO())
    assert sorted(archive.glob("audit-*.jsonl")) == files
    audit.record(actor=None, action="test.event", object_type="t", object_id="late")
    call_command("audit", "export", str(archive), stdout=io.StringIO())
    new = sorted(set(archive.glob("audit-*.jsonl")) - set(files))
    assert len(new) == 1 and json.loads(new[0].read_text())["object_id"] == "late"

    # An event altered in the database stops the export at that event.
    AuditEvent.objects.filter(object_id="late").update(action="forged")
    audit.record(actor=None, action="test.event", object_type="t", object_id="later")
    fresh = tmp_path / "fresh"
    with pytest.raises(Exception, match="与哈希链不符"):
        call_command("audit", "export", str(fresh), stdout=io.StringIO())


def test_a_server_process_writes_json_lines_with_the_request_id(tmp_path):
    """The settings' own logging (no handler added by the test): stderr is JSON lines."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAOXIN_", "DJANGO_", "PYTEST_"))}
    env.update(
        GAOXIN_TESTING="0",
        GAOXIN_HTTPS="0",
        GAOXIN_DATA_DIR=str(tmp_path),
        GAOXIN_ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="gaoxin.settings",
        PYTHONPATH=str(ROOT),
    )
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz', HTTP_X_REQUEST_ID='req-0123456789abcdef'); print('RID', r['X-Request-ID'])"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("RID ", 1)[1].strip() == "req-0123456789abcdef"
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    access = [e for e in lines if e["logger"] == "gaoxin.access"]
    assert len(access) == 1 and access[0]["request_id"] == "req-0123456789abcdef"
    assert access[0]["route"] == "/healthz" and access[0]["status"] == 200 and access[0]["level"] == "INFO"
