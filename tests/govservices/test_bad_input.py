"""Bad input through the API is a 4xx with a Chinese message, never a 500."""

import json

import pytest

from tests.govservices.helpers import client_for, pdf, submit

pytestmark = pytest.mark.django_db

SUBMISSIONS = [
    "[]",
    '{"item": 5}',
    '{"item": "000000000002", "materials": []}',
    '{"item": "000000000002", "data": "x"}',
    '{"item": "000000000002", "materials": {"1": "licence:nope", "3": "commit"}}',
    '{"item": "nonexistent"}',
    '{"item": "000000000002", "applicant": "nobody"}',
    '{"item": "000000000002", "data": {"project": "' + "长" * 5000 + '"}}',
]
ACTIONS = [
    ("accept", {"supply_due": "tomorrow"}),
    ("accept", {"revision": "one"}),
    ("request_correction", {"problems": ["a"]}),
    ("request_correction", {"problems": {"99": "x"}}),
    ("review", {"verdict": "maybe"}),
    ("supply", {"material": "x"}),
    ("deny", {}),
    ("issue", {}),
]


@pytest.mark.parametrize("body", SUBMISSIONS)
def test_bad_submissions(gz, body):
    r = client_for(gz["p"]["clerk"]).post("/api/v1/cases", body, content_type="application/json")
    assert 400 <= r.status_code < 500 and r.json()["message"]


@pytest.mark.parametrize(("action", "payload"), ACTIONS)
def test_bad_actions(gz, action, payload):
    number = submit(client_for(gz["p"]["ent"]), "000000000002", files={1: pdf(), 3: pdf()}).json()["number"]
    for who in ("clerk", "approver", "ent"):
        r = client_for(gz["p"][who]).post(
            f"/api/v1/cases/{number}/actions/{action}", json.dumps(payload), content_type="application/json"
        )
        assert 400 <= r.status_code < 500 and r.json()["message"], (who, r.content)


def test_bad_query_parameters(gz, client):
    assert client.get("/api/v1/service-items", {"limit": "x"}).status_code == 422
    assert client.get("/api/v1/licences/" + "9" * 40 + "/verification").json()["status"] == "not_genuine"
    c = client_for(gz["p"]["approver"])
    assert c.get("/api/v1/cases", {"offset": -1}).status_code == 422
    assert c.get("/api/v1/cases", {"state": "x" * 40, "inbox": "true"}).status_code == 200


def test_nul_characters_are_refused_quietly(gz, client):
    """PostgreSQL refuses NUL in text; a request carrying one is answered with a 4xx or served, never a 500."""
    c = client_for(gz["p"]["ent"])
    answers = [
        client.get("/api/v1/service-items", {"q": "食\x00品"}),
        client.get("/api/v1/licences/GX\x00Z/verification"),
        c.get("/api/v1/cases/GX\x001"),
        c.get("/api/v1/cases", {"state": "\x00"}),
        c.post(
            "/api/v1/cases",
            json.dumps({"item": "0000\x0000001", "data": {"project": "\x00"}}),
            content_type="application/json",
        ),
        c.post(
            "/api/v1/cases/GX1/actions/accept",
            json.dumps({"opinion": "\x00"}),
            content_type="application/json",
        ),
    ]
    assert [r.status_code < 500 for r in answers] == [True] * len(answers)


def test_huge_offsets_are_refused(gz, client):
    assert client.get("/api/v1/service-items", {"offset": 2**63}).status_code == 422
    assert client_for(gz["p"]["ent"]).get("/api/v1/cases", {"offset": 2**63}).status_code == 422
