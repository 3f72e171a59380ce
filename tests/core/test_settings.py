"""Deployment settings come from GAOXIN_* variables; production values pass Django's deploy checks."""

import os
import secrets
import subprocess
import sys


def gaoxin(args, tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GAOXIN_", "DJANGO_"))}
    full.update({"GAOXIN_DATA_DIR": str(tmp_path), "GAOXIN_TESTING": "0", **env})
    return subprocess.run(
        [sys.executable, "-m", "gaoxin.cli", *args], env=full, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy(tmp_path):
    r = gaoxin(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        GAOXIN_SECRET_KEY=secrets.token_urlsafe(60),
        GAOXIN_ALLOWED_HOSTS="gaoxin.example.gov.cn",
        GAOXIN_SITE_URL="https://gaoxin.example.gov.cn",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_production_refuses_to_start_without_a_site_url(tmp_path):
    r = gaoxin(
        ["check"],
        tmp_path,
        GAOXIN_SECRET_KEY=secrets.token_urlsafe(60),
        GAOXIN_ALLOWED_HOSTS="gaoxin.example.gov.cn",
    )
    assert r.returncode != 0 and "GAOXIN_SITE_URL" in r.stderr


def test_debug_settings_are_flagged_by_check_deploy(tmp_path):
    r = gaoxin(["check", "--deploy", "--fail-level", "WARNING"], tmp_path, GAOXIN_DEBUG="1")
    assert r.returncode != 0 and "DEBUG" in (r.stdout + r.stderr)


def test_demo_secret_key_is_generated_once_into_the_data_dir(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = gaoxin(["shell", "--no-imports", "-c", code], tmp_path, GAOXIN_HTTPS="0")
    second = gaoxin(["shell", "--no-imports", "-c", code], tmp_path, GAOXIN_HTTPS="0")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) > 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_selects_the_backend(tmp_path):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    r = gaoxin(
        ["shell", "--no-imports", "-c", code],
        tmp_path,
        GAOXIN_DATABASE_URL="postgres://u@db.internal:5432/zone",
        GAOXIN_HTTPS="0",
    )
    assert r.stdout.strip() == "django.db.backends.postgresql"
    r = gaoxin(["shell", "--no-imports", "-c", code], tmp_path, GAOXIN_HTTPS="0")
    assert r.stdout.strip() == "django.db.backends.sqlite3"
