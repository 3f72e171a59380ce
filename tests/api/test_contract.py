"""The API's contract, read from its own OpenAPI document: every body is typed, every operation has
one pillar tag under that pillar's URL prefixes, every list is paged by the one Page class; and bad
bodies to the typed operations are a Chinese 4xx, never a 500."""

import io
import json
import re

import pytest
from django.test import RequestFactory

from gaoxin.api import PILLARS, api
from gaoxin.core import errors
from gaoxin.core.middleware import ApiErrorMiddleware, error_response
from gaoxin.core.pagination import PARAMETERS
from tests.factories import department, staff_user

PREFIX = "/api/v1"
BODY_METHODS = {"post", "put", "patch"}

# Operations that truly take no body: the URL names the object and the action, nothing else to say.
NO_BODY = {
    ("post", "/reports/{report_id}/accept"): "审核通过：报表与动作由 URL 指明",
    ("post", "/awards/{award_id}/approve"): "审核通过：兑现记录与动作由 URL 指明",
    ("post", "/clauses/{clause_id}/batch"): "启动免申即享批次：事项由 URL 指明",
    ("post", "/clauses/{clause_id}/service-item"): "发布为政务服务事项：内容全部取自该兑现事项",
    ("post", "/messages/{pk}/read"): "标记已读：消息由 URL 指明",
}
# GET operations answering a JSON array that is not a paged list: computed answers of bounded size.
UNPAGED_ARRAYS = {
    ("get", "/me/offers"): "本企业适用的政策及逐条理由：按当下数据计算的一个答案，不是表的列表",
    ("get", "/policy-reports/funds"): "资金统计：按维度汇总的几行，不是表的列表",
    ("get", "/halls/{hall_code}/slots"): "某日各预约时段的余量：一天十几个时段，按当下预约计算",
    ("get", "/halls/{hall_code}/wait-statistics"): "等候时间统计：按日、窗口或事项汇总的几行",
}


def operations():
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            yield method, path.removeprefix(PREFIX), op, schema


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_every_write_declares_its_body_as_a_schema():
    missing = []
    for method, path, op, schema in operations():
        if method not in BODY_METHODS:
            continue
        body = op.get("requestBody")
        if (method, path) in NO_BODY:
            assert body is None, f"{method} {path} is listed as taking no body but declares one"
            continue
        contents = (body or {}).get("content", {})
        if not contents or not all(_resolve(schema, c.get("schema", {})) for c in contents.values()):
            missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_no_body_list_stays_short_and_current():
    listed = {(m, p) for m, p, _, _ in operations()}
    assert set(NO_BODY) <= listed
    assert len(NO_BODY) <= 5


def test_every_operation_has_exactly_one_pillar_tag_and_lives_under_its_prefixes():
    wrong = []
    for method, path, op, _ in operations():
        tags = op.get("tags", [])
        if len(tags) != 1 or tags[0] not in PILLARS:
            wrong.append(f"{method.upper()} {path}: tags {tags}")
            continue
        prefixes = PILLARS[tags[0]][1]
        if not any(path.startswith(p) for p in prefixes):
            wrong.append(f"{method.upper()} {path}: not under the prefixes of {tags[0]} {prefixes}")
    assert wrong == []


def test_the_document_describes_every_pillar_tag():
    described = {t["name"] for t in api.get_openapi_schema()["tags"]}
    assert described == set(PILLARS)


def test_every_list_is_paged_by_the_one_page_class():
    unpaged, wrong = [], []
    for method, path, op, schema in operations():
        ok = op["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema")
        if method != "get" or not ok:
            continue
        answer = _resolve(schema, ok)
        if answer.get("type") == "array":
            if (method, path) not in UNPAGED_ARRAYS:
                unpaged.append(path)
            continue
        if set(answer.get("properties", {})) & {"items", "next_offset"}:
            params = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
            if (
                set(answer["properties"]) != {"items", "count", "next_offset"}
                or not set(PARAMETERS) <= params
            ):
                wrong.append(path)
    assert unpaged == [] and wrong == []


def test_paged_lists_answer_items_count_and_next_offset(client, django_user_model):
    r = client.get(f"{PREFIX}/service-items", {"limit": 1})
    assert r.status_code == 200 and set(r.json()) == {"items", "count", "next_offset"}
    assert client.get(f"{PREFIX}/service-items", {"limit": 101}).status_code == 422


# ---- bad bodies to the typed operations: 4xx, {"code", "message", "fields"}, Chinese -----------------


def _chinese(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def _assert_chinese_4xx(r):
    assert 400 <= r.status_code < 500, (r.status_code, r.content[:300])
    body = r.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert _chinese(body["message"]), body


@pytest.fixture
def officer_client(client, db):
    user = staff_user("typed", department("approval", "行政审批局"), ["window_clerk", "system_admin"])
    client.force_login(user)
    return client


def _pdf():
    f = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    f.name = "a.pdf"
    return f


JSON_BODIES = [
    "{not json",
    "[]",
    '"text"',
    "[" * 5000,
    '{"item": 5}',
    '{"item": ""}',
    '{"item": "000000000002", "data": "x"}',
    '{"item": "000000000002", "data": {"project": ["a"]}}',
    '{"item": "000000000002", "materials": []}',
    '{"item": "000000000002", "materials": {"x": "commit"}}',
    '{"item": "000000000002", "materials": {"1": "anything"}}',
    '{"item": "000000000002", "commitment": "perhaps"}',
    '{"item": "' + "9" * 40 + '"}',
]


@pytest.mark.django_db
@pytest.mark.parametrize("body", JSON_BODIES)
def test_bad_json_submissions(officer_client, body):
    _assert_chinese_4xx(officer_client.post(f"{PREFIX}/cases", body, content_type="application/json"))


MULTIPART_SUBMISSIONS = [
    {"payload": "{not json"},
    {"payload": "[1, 2]"},
    {"payload": '{"item": 5}'},
    {"payload": '{"item": "000000000002", "materials": {"1": 3}}'},
    {"payload": '{"item": "nonexistent"}', "file_1": "not a file"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("data", MULTIPART_SUBMISSIONS)
def test_bad_multipart_submissions(officer_client, data):
    _assert_chinese_4xx(officer_client.post(f"{PREFIX}/cases", data))


ACTION_BODIES = [
    ("accept", "{not json"),
    ("accept", "[]"),
    ("accept", '{"revision": "one"}'),
    ("accept", '{"revision": -1}'),
    ("accept", '{"supply_due": "tomorrow"}'),
    ("review", '{"verdict": "maybe"}'),
    ("request_correction", '{"problems": ["a"]}'),
    ("request_correction", '{"problems": {"a": "b"}}'),
    ("supply", '{"material": "x"}'),
    ("approve", '{"override": "sometimes"}'),
    ("reject", '{"reason": "' + "长" * 3000 + '"}'),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "body"), ACTION_BODIES)
def test_bad_json_actions(officer_client, action, body):
    r = officer_client.post(f"{PREFIX}/cases/GX1/actions/{action}", body, content_type="application/json")
    _assert_chinese_4xx(r)
    assert r.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"payload": "{not json"},
        {"payload": '{"material": "x"}'},
        {"payload": '{"revision": "1.5"}', "file": _pdf()},
    ],
)
def test_bad_multipart_actions(officer_client, data):
    r = officer_client.post(f"{PREFIX}/cases/GX1/actions/supply", data)
    _assert_chinese_4xx(r)
    assert r.status_code == 422


@pytest.mark.django_db
def test_a_good_body_reaches_the_service(officer_client):
    """Validation passes, so the answer is the service's: no such case."""
    r = officer_client.post(f"{PREFIX}/cases/GX1/actions/accept", "", content_type="application/json")
    assert r.status_code == 404 and _chinese(r.json()["message"])
    r = officer_client.post(
        f"{PREFIX}/cases/GX1/actions/supply", {"payload": '{"material": 1}', "file": _pdf()}
    )
    assert r.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.post(f"{PREFIX}/service-catalogue/import", {}),
        lambda c: c.post(f"{PREFIX}/service-catalogue/import", {"file": "text, not a file"}),
        lambda c: c.post(f"{PREFIX}/service-catalogue/import", "{}", content_type="application/json"),
        lambda c: c.post(
            f"{PREFIX}/service-catalogue/import",
            b'--x\r\nContent-Disposition: form-data; name="file"',
            content_type="multipart/form-data; boundary=x",
        ),
        lambda c: c.post(f"{PREFIX}/cases", b"--", content_type="multipart/form-data"),
        lambda c: c.post(f"{PREFIX}/identifiers/check", "{not json", content_type="application/json"),
        lambda c: c.post(f"{PREFIX}/reports", "[", content_type="application/json"),
        # every field of this body is optional: an array must still not pass for an empty object
        lambda c: c.post(f"{PREFIX}/payment-batches", "[]", content_type="application/json"),
    ],
)
def test_bad_uploads_and_unreadable_bodies(officer_client, call):
    _assert_chinese_4xx(call(officer_client))


# ---- one mapping from an error to its status, for the API and the pages --------------------------


@pytest.mark.parametrize("cls", errors.ERROR_CLASSES)
def test_pages_and_api_answer_a_domain_error_with_its_class_status(cls, db):
    middleware = ApiErrorMiddleware(lambda request: None)
    exc = cls("出错了")
    api_answer = middleware.process_exception(RequestFactory().get(f"{PREFIX}/x"), exc)
    assert api_answer.status_code == cls.status == errors.status_of(exc)
    assert json.loads(api_answer.content) == {"code": cls.code, "message": "出错了", "fields": {}}
    assert error_response(exc).status_code == cls.status
    request = RequestFactory().get("/services/x/")
    page_answer = middleware.process_exception(request, exc)
    expected = 302 if cls is errors.NotAuthenticated else cls.status  # a page sends to the login page
    assert page_answer.status_code == expected


def test_a_framework_status_maps_to_the_domain_error_of_that_status():
    assert isinstance(errors.error_for_status(404, "无"), errors.NotFound)
    assert isinstance(errors.error_for_status(409, "冲突"), errors.Conflict)
    odd = errors.error_for_status(405, "方法不允许")
    assert errors.status_of(odd) == 405
