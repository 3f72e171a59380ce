"""Bad input never answers 500: every class of bad body, swept over every API write operation and
every page URL, anonymous and logged in; wrong JSON types, integer dates, NUL, and publish roles."""

import datetime as dt
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from gaoxin.api import api
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.models import Report
from tests.enterprises.factories import enterprise, report
from tests.factories import citizen_user, department, staff_user

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
BOUNDARY = "BoUnDaRyBadInput"
REFUSED = {400, 401, 403, 413, 422}


def _multipart(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    """A multipart/form-data body of (name, filename or None, content) parts."""
    out = []
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
        if filename:
            head += "Content-Type: application/octet-stream\r\n"
        out.append(head.encode() + b"\r\n" + content + b"\r\n")
    return b"".join(out) + f"--{BOUNDARY}--\r\n".encode()


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"

# name → (content type, body): each over one of Django's DATA_UPLOAD_* limits (settings.py).
BAD_BODIES = {
    "too_many_parts": (MULTIPART, _multipart([(f"f{i}", None, b"1") for i in range(1100)])),
    "too_many_files": (MULTIPART, _multipart([(f"file{i}", f"{i}.pdf", b"%PDF") for i in range(120)])),
    "huge_text_field": (MULTIPART, _multipart([("payload", None, b"x" * (11 * MB))])),
    "too_many_form_fields": (
        "application/x-www-form-urlencoded",
        "&".join(f"f{i}=1" for i in range(1100)).encode(),
    ),
    "huge_text_plain": ("text/plain", b"x" * (11 * MB)),
    "huge_json": ("application/json", b'{"x": "' + b"x" * (11 * MB) + b'"}'),
}


def _api_writes() -> list[tuple[str, str, dict]]:
    """(method, path template, operation) of every POST/PUT/PATCH/DELETE operation of the API."""
    ops = []
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, op in methods.items():
            if method in ("post", "put", "patch", "delete"):
                ops.append((method.upper(), path, op))
    return ops


def _fill(path: str, op: dict, ids: dict | None = None) -> str:
    types = {p["name"]: p.get("schema", {}).get("type") for p in op.get("parameters", [])}

    def value(m: re.Match) -> str:
        name = m.group(1)
        if ids and name in ids:
            return str(ids[name])
        return "1" if types.get(name) == "integer" else "x"

    return re.sub(r"\{(\w+)\}", value, path)


def _page_urls() -> list[str]:
    """One concrete URL for every page route (not the API, Django's admin or i18n)."""
    samples = {"id": "1", "int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}
    urls = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                if route.startswith(("api/", "admin/", "i18n/")):
                    continue
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                urls.append(
                    "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: samples.get(m.group(1) or "str", "x"), route)
                )

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


@pytest.fixture
def users(db):
    dept = department("approval", "行政审批局")
    return {
        "anonymous": None,
        "staff": staff_user("admin", dept, ["system_admin", "statistician", "policy_officer"]),
    }


def _client(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_sweep_covers_the_write_operations_and_upload_pages():
    ops = {(m, p) for m, p, _ in _api_writes()}
    assert ("POST", "/api/v1/cases") in ops and ("POST", "/api/v1/enterprises/import") in ops
    assert len(ops) >= 30
    pages = _page_urls()
    assert "/services/items/x/apply/" in pages and "/services/cases/x/act/x/" in pages


@pytest.mark.parametrize("who", ["anonymous", "staff"])
@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_every_api_write_refuses_an_oversized_body_in_json(users, who, kind):
    content_type, body = BAD_BODIES[kind]
    client = _client(users[who])
    for method, path, op in _api_writes():
        r = client.generic(method, _fill(path, op), body, content_type=content_type)
        # A form body of PUT/DELETE is never parsed (only its size is checked): the operation runs.
        allowed = REFUSED if method == "POST" or kind.startswith("huge") else REFUSED | {404}
        assert r.status_code in allowed, f"{kind} {who} {method} {path} → {r.status_code}"
        data = r.json()
        assert set(data) == {"code", "message", "fields"}, (method, path, data)
        assert _is_chinese(data["message"])
        # Django parses form bodies of POST only; an oversized body is refused for every method.
        if method == "POST" or kind.startswith("huge"):
            assert r.status_code == 413, f"{kind} {who} {method} {path} → {r.status_code}: {data}"


@pytest.mark.parametrize("who", ["anonymous", "staff"])
@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_every_page_refuses_an_oversized_post_with_a_chinese_page(users, who, kind):
    content_type, body = BAD_BODIES[kind]
    client = _client(users[who])
    for url in _page_urls():
        r = client.generic("POST", url, body, content_type=content_type)
        assert r.status_code in REFUSED, f"{kind} {who} POST {url} → {r.status_code}"
        assert r["Content-Type"].startswith("text/html"), (url, r["Content-Type"])
        assert _is_chinese(r.content.decode()), (url, r.content[:200])


def test_the_limits_are_the_documented_ones(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 10 * MB
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 100


def test_a_body_within_the_limits_still_reaches_the_operation(client):
    body = json.dumps({"kind": "uscc", "value": "91350100M000100Y43", "pad": "x" * (9 * MB)})
    r = client.post("/api/v1/identifiers/check", body, content_type="application/json")
    assert r.status_code == 200 and r.json()["valid"] is True


# ---- wrong JSON types: refused before any operation runs, no audit event -------------------------


@pytest.fixture
def submitted_report(db):
    # Accepting it is a real state change that writes an audit event: the body-less /accept must not
    # run on a `[]` body.
    return report(enterprise(), 2025, 4, state=Report.State.SUBMITTED, revenue=Decimal("2500000"))


@pytest.mark.parametrize("body", ["[]", '"x"', "1", "null", "true", "[1, 2]"])
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_every_operation_refuses_a_body_that_is_not_a_json_object(
    users, submitted_report, body, content_type
):
    client = _client(users["staff"])
    ids = {"report_id": submitted_report.id}
    before = AuditEvent.objects.count()
    for method, path, op in _api_writes():
        r = client.generic(method, _fill(path, op, ids), body, content_type=content_type)
        assert r.status_code in REFUSED, f"{body} {method} {path} → {r.status_code}: {r.content[:200]}"
        assert set(r.json()) == {"code", "message", "fields"}
    assert AuditEvent.objects.count() == before
    submitted_report.refresh_from_db()
    assert submitted_report.state == Report.State.SUBMITTED


def test_a_body_less_operation_still_runs_without_a_body_or_with_an_empty_object(users, submitted_report):
    client = _client(users["staff"])
    r = client.post(f"/api/v1/reports/{submitted_report.id}/accept", "{}", content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "accepted"


# ---- NUL: refused in every body, whatever the Content-Type ----------------------------------------


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/octet-stream"])
@pytest.mark.parametrize("raw", [b'{"title": "a\\u0000b"}', b'{"title": "a\x00b"}'])
def test_nul_in_a_body_is_refused_for_every_operation(users, content_type, raw):
    client = _client(users["staff"])
    before = AuditEvent.objects.count()
    for method, path, op in _api_writes():
        r = client.generic(method, _fill(path, op), raw, content_type=content_type)
        assert r.status_code == 400, f"{method} {path} {content_type} → {r.status_code}: {r.content[:200]}"
        assert r.json()["code"] == "bad_request"
    assert AuditEvent.objects.count() == before


def test_nul_in_the_multipart_payload_is_refused(users):
    client = _client(users["staff"])
    body = _multipart([("payload", None, json.dumps({"item": "a\x00b"}).encode())])
    r = client.generic("POST", "/api/v1/cases", body, content_type=MULTIPART)
    assert r.status_code == 400 and r.json()["code"] == "bad_request"


def test_a_policy_with_nul_in_a_text_plain_body_is_not_stored(users):
    from gaoxin.policies.models import Policy

    client = _client(users["staff"])
    body = {"title": "惠企\u0000政策", "issuer": "管委会", "issued_on": "2025-01-01"}
    r = client.post("/api/v1/policies", json.dumps(body), content_type="text/plain")
    assert r.status_code == 400
    assert not Policy.objects.exists()


# ---- dates: only YYYY-MM-DD, never an integer ----------------------------------------------------


def _date_fields(schema: dict, components: dict, seen=()) -> list[str]:
    """Names of the `format: date` properties of a request body schema (following $ref, anyOf)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return [] if name in seen else _date_fields(components[name], components, (*seen, name))
    found = []
    for name, prop in schema.get("properties", {}).items():
        options = [prop, *prop.get("anyOf", [])]
        if any(o.get("format") == "date" for o in options):
            found.append(name)
    return found


def _date_inputs() -> list[tuple[str, str, dict, str]]:
    spec = api.get_openapi_schema()
    components = spec.get("components", {}).get("schemas", {})
    found = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            content = op.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema:
                for name in _date_fields(schema, components):
                    found.append((method.upper(), path, op, name))
    return found


def test_every_date_field_of_a_body_is_found():
    names = {(p, n) for _, p, _, n in _date_inputs()}
    assert ("/api/v1/policies", "effective_from") in names
    assert ("/api/v1/payment-batches/{batch_id}/paid", "paid_on") in names
    assert ("/api/v1/cases/{number}/actions/{action}", "supply_due") in names


@pytest.mark.parametrize("value", [0, 1700000000, 20250101, 1.5, True, "0", "1700000000", "2025/01/01"])
def test_every_date_field_refuses_an_integer_with_422(users, value):
    client = _client(users["staff"])
    before = AuditEvent.objects.count()
    for method, path, op, name in _date_inputs():
        body = {name: value}
        r = client.generic(method, _fill(path, op), json.dumps(body), content_type="application/json")
        assert r.status_code == 422, f"{method} {path} {name}={value!r} → {r.status_code}"
        assert name in r.json()["fields"], (path, r.json())
        assert r.json()["fields"][name] == "应为日期 YYYY-MM-DD"
    assert AuditEvent.objects.count() == before


def test_effective_from_zero_is_refused_and_a_real_date_accepted(users):
    client = _client(users["staff"])
    base = {"title": "科技创新扶持政策", "issuer": "管委会", "issued_on": "2025-01-01"}
    r = client.post("/api/v1/policies", {**base, "effective_from": 0}, content_type="application/json")
    assert r.status_code == 422 and "effective_from" in r.json()["fields"]
    r = client.post(
        "/api/v1/policies", {**base, "effective_from": "2025-02-01"}, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    assert r.json()["effective_from"] == "2025-02-01"


@pytest.mark.parametrize("value", ["0", "1700000000", "20250101"])
def test_date_query_parameters_refuse_numbers(client, value):
    assert client.get("/api/v1/calendar/day", {"date": value}).status_code == 422
    r = client.get("/api/v1/calendar/deadline", {"start": value, "workdays": 3})
    assert r.status_code == 422 and "start" in r.json()["fields"]
    assert client.get("/api/v1/calendar/day", {"date": dt.date(2025, 1, 2).isoformat()}).status_code == 200


# ---- roles ---------------------------------------------------------------------------------------


def test_a_citizen_cannot_publish_awards(db):
    client = _client(citizen_user("citizen", "11010519491231002X"))
    before = AuditEvent.objects.count()
    # Ids the citizen cannot see used to publish nothing and answer 200.
    for ids in ([1], [1, 2, 3]):
        r = client.post("/api/v1/awards/publish", {"ids": ids}, content_type="application/json")
        assert r.status_code == 403, (ids, r.content)
        assert r.json()["code"] == "forbidden"
    assert AuditEvent.objects.count() == before


def test_every_publish_endpoint_refuses_a_citizen(db):
    client = _client(citizen_user("citizen", "11010519491231002X"))
    publishing = [(m, p, op) for m, p, op in _api_writes() if "publish" in p or "service-item" in p]
    assert len(publishing) >= 2
    for method, path, op in publishing:
        body = json.dumps({"ids": [1]}) if op.get("requestBody") else ""
        r = client.generic(method, _fill(path, op), body, content_type="application/json")
        assert r.status_code in (403, 404), f"{method} {path} → {r.status_code}"
        if path.endswith("/awards/publish"):
            assert r.status_code == 403


def test_a_non_statistician_importing_the_registry_gets_403(db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gaoxin.enterprises import excel

    clerk = staff_user("clerk", department("approval2", "行政审批局"), ["window_clerk"])
    c = _client(clerk)
    content = excel.workbook("企业", excel.ENTERPRISE_HEADERS, [])
    f = SimpleUploadedFile("e.xlsx", content)
    r = c.post("/api/v1/enterprises/import", {"file": f})
    assert r.status_code == 403, r.content
    assert r.json()["code"] == "forbidden"
