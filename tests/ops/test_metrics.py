"""/metrics: Prometheus text for the operators only, with request latency per route, failed logins and
open cases by light."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from gaoxin.govservices.models import Case
from tests.factories import DEFAULT_PASSWORD, enterprise_user
from tests.govservices.builders import zone
from tests.govservices.helpers import client_for, pdf, submit

pytestmark = pytest.mark.django_db


def value(text: str, name: str, **labels) -> float:
    """The sample of `name` with exactly these labels (in any order); 0 when absent."""
    for line in text.splitlines():
        found = re.fullmatch(re.escape(name) + r"(?:\{(.*)\})? ([0-9.e+-]+)", line)
        if found and dict(re.findall(r'(\w+)="([^"]*)"', found.group(1) or "")) == labels:
            return float(found.group(2))
    return 0.0


@pytest.fixture
def people():
    _, p, _ = zone()
    p["ent"] = enterprise_user("ent", "91350100M000100Y43", "示例科技有限公司")
    return p


def scrape(c: Client) -> str:
    r = c.get("/metrics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/plain")
    return r.content.decode()


def test_only_operators_and_the_scraper_token_read_metrics(people, settings):
    assert Client().get("/metrics").status_code == 401
    assert client_for(people["ent"]).get("/metrics").status_code == 403
    assert client_for(people["clerk"]).get("/metrics").status_code == 403
    scrape(client_for(people["admin"]))
    settings.METRICS_TOKEN = "s3cret-scraper-token"
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token").status_code == 200


def test_latency_per_route_failed_logins_and_case_lights(people):
    admin = client_for(people["admin"])
    before = scrape(admin)
    for _ in range(3):
        Client().get("/healthz")
    bad = Client().post(
        "/api/v1/auth/token",
        json.dumps({"username": "ent", "password": DEFAULT_PASSWORD + "x"}),
        content_type="application/json",
    )
    assert bad.status_code in (400, 401)
    assert not Client().login(username="ent", password="wrong-password")
    for _ in range(3):
        r = submit(client_for(people["ent"]), "000000000002", files={1: pdf(), 2: pdf(), 3: pdf()})
        assert r.status_code == 201
    Case.objects.filter(pk=Case.objects.order_by("pk").first().pk).update(light="red")
    after = scrape(admin)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("gaoxin_request_duration_seconds_count", method="GET", route="/healthz", status="2xx") == 3
    assert (
        grew("gaoxin_request_duration_seconds_count", method="POST", route="/api/v1/cases", status="2xx") == 3
    )
    assert grew("gaoxin_failed_logins_total") == 2
    open_cases = Case.objects.filter(state__in=Case.OPEN_STATES)
    assert value(after, "gaoxin_open_cases", light="red") == open_cases.filter(light="red").count() == 1
    assert sum(value(after, "gaoxin_open_cases", light=x) for x in ("green", "yellow", "red", "none")) == 3
