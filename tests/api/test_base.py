"""The API's contract: calendar and identifier endpoints, tokens, the error shape, health."""

import json

import pytest

from gaoxin.accounts.models import ApiToken, LoginCounter
from gaoxin.core.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


class TestCalendarEndpoint:
    def test_example_of_the_issue(self, client):
        r = client.get("/api/v1/calendar/deadline", {"start": "2025-09-30", "workdays": 3})
        assert r.status_code == 200
        assert r.json() == {"deadline": "2025-10-11", "certain": True}

    def test_2027_is_uncertain(self, client):
        r = client.get("/api/v1/calendar/deadline", {"start": "2027-03-01", "workdays": 5})
        assert r.json() == {"deadline": "2027-03-08", "certain": False}
        # no notice for 2027 yet: 元旦 is certainly a holiday by law, the day's status still uncertain
        r = client.get("/api/v1/calendar/day", {"date": "2027-01-01"})
        assert r.json() == {"date": "2027-01-01", "workday": False, "certain": False}
        r = client.get("/api/v1/calendar/day", {"date": "2027-03-03"})
        assert r.json() == {"date": "2027-03-03", "workday": True, "certain": False}

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"start": "2025-02-30", "workdays": 3}, "start"),
            ({"start": "2025-09-30", "workdays": -1}, "workdays"),
            ({"start": "2025-09-30", "workdays": "三"}, "workdays"),
            ({"workdays": 3}, "start"),
            ({"start": "0001-01-01", "workdays": 3}, "start"),
        ],
    )
    def test_bad_input_is_a_422_with_a_chinese_message(self, client, params, field):
        r = client.get("/api/v1/calendar/deadline", params)
        assert r.status_code == 422
        body = r.json()
        assert set(body) == {"code", "message", "fields"}
        assert field in body["fields"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


class TestIdentifierEndpoint:
    def test_valid_uscc_normalized(self, client):
        r = post_json(
            client, "/api/v1/identifiers/check", {"kind": "uscc", "value": "９１３５０１００m000100y43"}
        )
        assert r.json() == {
            "valid": True,
            "normalized": "91350100M000100Y43",
            "message": "统一社会信用代码有效",
        }

    def test_invalid_id_card_explains(self, client):
        r = post_json(client, "/api/v1/identifiers/check", {"kind": "id_card", "value": "110105194912310021"})
        assert r.status_code == 200
        assert r.json()["valid"] is False and "校验位" in r.json()["message"]

    def test_unknown_kind_is_422(self, client):
        r = post_json(client, "/api/v1/identifiers/check", {"kind": "passport", "value": "x"})
        assert r.status_code == 422 and "kind" in r.json()["fields"]

    def test_not_json_is_4xx_json(self, client):
        r = client.post("/api/v1/identifiers/check", "{not json", content_type="application/json")
        assert 400 <= r.status_code < 500
        assert r.json()["code"]


class TestTokens:
    def test_token_lifecycle(self, client, clerk):
        r = post_json(
            client, "/api/v1/auth/token", {"username": "clerk", "password": DEFAULT_PASSWORD, "name": "脚本"}
        )
        assert r.status_code == 201
        token = r.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        me = client.get("/api/v1/auth/me", headers=auth)
        assert me.status_code == 200
        assert me.json()["roles"][0]["role"] == "window_clerk"
        stored = ApiToken.objects.get()
        assert token not in (stored.key_hash, stored.prefix)  # only the hash is kept
        assert client.delete(f"/api/v1/auth/tokens/{stored.pk}", headers=auth).status_code == 204
        assert client.get("/api/v1/auth/me", headers=auth).status_code == 401
        assert AuditEvent.objects.filter(action="token.revoke").exists()

    def test_wrong_password_is_401_and_counts(self, client, clerk):
        r = post_json(client, "/api/v1/auth/token", {"username": "clerk", "password": "nope"})
        assert r.status_code == 401 and r.json()["message"] == "用户名或密码不正确"
        assert LoginCounter.objects.get(username="clerk").failures == 1

    def test_unknown_user_looks_the_same_as_a_wrong_password(self, client):
        r = post_json(client, "/api/v1/auth/token", {"username": "nobody", "password": "nope"})
        assert r.status_code == 401 and r.json()["message"] == "用户名或密码不正确"

    def test_cannot_revoke_someone_elses_token(self, client, clerk, leader):
        other = post_json(
            client, "/api/v1/auth/token", {"username": "leader", "password": DEFAULT_PASSWORD}
        ).json()
        mine = post_json(
            client, "/api/v1/auth/token", {"username": "clerk", "password": DEFAULT_PASSWORD}
        ).json()
        r = client.delete(
            f"/api/v1/auth/tokens/{other['token_id']}", headers={"Authorization": f"Bearer {mine['token']}"}
        )
        assert r.status_code == 404

    def test_session_auth_requires_csrf_for_writes(self, clerk):
        from django.test import Client

        c = Client(enforce_csrf_checks=True)
        c.force_login(clerk)
        assert c.get("/api/v1/auth/me").status_code == 200
        tok = ApiToken.objects.create(
            user=clerk, prefix="gx_x", key_hash="0" * 64, expires_at="2099-01-01T00:00:00Z"
        )
        assert c.delete(f"/api/v1/auth/tokens/{tok.pk}").status_code in (401, 403)

    def test_anonymous_gets_401_json(self, client):
        r = client.get("/api/v1/auth/me")
        assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_unknown_api_path_is_json_404(client):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_healthz_reports_the_database(client):
    r = client.get("/healthz")
    assert (
        r.status_code == 200
        and r.json()["status"] == "ok"
        and r.json()["database"] in ("sqlite", "postgresql")
    )


def test_openapi_and_local_docs(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/calendar/deadline" in spec["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


@pytest.mark.parametrize(
    "call",
    [
        lambda c: post_json(c, "/api/v1/auth/token", {"username": "a\u0000b", "password": "x"}),
        lambda c: c.get("/api/v1/calendar/deadline", {"start": "2025-01-01\x00", "workdays": 1}),
        lambda c: c.post(
            "/accounts/login/", "username=a%00b&password=x", content_type="application/x-www-form-urlencoded"
        ),
    ],
)
def test_nul_characters_are_refused_with_400(client, call):
    """PostgreSQL cannot store NUL: it is refused at the door on both databases, never a 500."""
    r = call(client)
    assert r.status_code == 400
    assert "NUL" in r.content.decode()
