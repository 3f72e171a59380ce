"""Every schema of the API derives from core.schemas.Schema, and every field of a request takes only the
JSON type its OpenAPI schema declares: pydantic's lax mode would read {"order": false} as 排序 0,
{"in_zone": 0} as 否 and {"order": "5"} as 5. A query string carries text, so a query schema
(QuerySchema) takes text; the API's operations are swept to use each base where it belongs."""

import json

import pytest
from django.test import Client
from pydantic import BaseModel, ValidationError

from gaoxin.api import api
from gaoxin.core.schemas import QuerySchema, Schema
from gaoxin.govservices.models import Hall
from tests.api.test_column_bounds import schema_classes
from tests.factories import DEFAULT_PASSWORD, staff_user

# For each JSON type a field may declare, values of another JSON type that a lax reader would coerce.
WRONG = {
    "boolean": [True, False],
    "integer": [0, 1],
    "string": ["1", "true", "2.5"],
}


def _kinds(prop: dict) -> set[str]:
    found = {prop.get("type")} | {alt.get("type") for alt in prop.get("anyOf", [])}
    if prop.get("type") == "array" or "items" in prop:
        found |= _kinds(prop.get("items", {}))
    return found - {None}


def _scalar_fields(cls: type) -> list[tuple[str, set[str]]]:
    properties = cls.model_json_schema(mode="validation").get("properties", {})
    return [
        (name, kinds)
        for name, prop in properties.items()
        if (kinds := _kinds(prop)) and kinds & {"integer", "number", "boolean"} and not kinds & {"object"}
    ]


def _wrong_values(kinds: set[str], *, from_query: bool) -> list:
    declared = kinds | ({"integer"} if "number" in kinds else set())
    values = [v for kind, vs in WRONG.items() if kind not in declared for v in vs]
    if from_query:
        values = [v for v in values if not isinstance(v, str)]
    return values


def _refused(cls: type, name: str, value, kinds: set[str]) -> bool:
    as_sent = [value] if "array" in kinds else value
    try:
        cls.model_validate({name: as_sent})
    except ValidationError as exc:
        return any(err["loc"][:1] == (name,) for err in exc.errors())
    return False


def operation_schemas() -> dict[str, set[type]]:
    """The Schema classes each request part (query, body …) of the API's operations is read into."""
    found: dict[str, set[type]] = {}
    for _prefix, router in api._routers:
        for path_operation in router.path_operations.values():
            for operation in path_operation.operations:
                for model in operation.models:
                    for field in model.model_fields.values():
                        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
                            found.setdefault(model.__ninja_param_source__, set()).add(field.annotation)
    return found


def test_every_schema_of_the_platform_has_the_shared_base():
    loose = sorted(name for name, cls in schema_classes().items() if not issubclass(cls, Schema))
    assert loose == []


def test_query_strings_and_bodies_are_read_by_their_own_base():
    used = operation_schemas()
    assert len(used["query"]) > 10 and len(used["body"]) > 50
    assert sorted(c.__name__ for c in used["query"] if not issubclass(c, QuerySchema)) == []
    assert sorted(c.__name__ for c in used["body"] if issubclass(c, QuerySchema)) == []


def test_no_request_field_takes_a_value_of_another_json_type():
    checked, taken = 0, []
    for cls in schema_classes().values():
        from_query = issubclass(cls, QuerySchema)
        for name, kinds in _scalar_fields(cls):
            for value in _wrong_values(kinds, from_query=from_query):
                checked += 1
                if not _refused(cls, name, value, kinds):
                    taken.append(f"{cls.__name__}.{name} = {value!r}")
    assert checked > 1000  # the sweep reaches the API's numbers and flags (revisions, amounts, orders …)
    assert taken == []


def test_a_value_of_the_declared_type_is_still_taken():
    from gaoxin.govservices.schemas import HallIn

    base = {"code": "gxq", "name": "大厅", "district": "高新区"}
    hall = HallIn.model_validate({**base, "order": 3, "in_zone": False})
    assert (hall.order, hall.in_zone) == (3, False)
    assert HallIn.model_validate({**base, "order": None}).order is None
    # A query string's text is read as the number or flag it spells.
    query = next(c for c in operation_schemas()["query"] if c.__name__ == "PageInput")
    assert query.model_validate({"limit": "20", "offset": "40"}).limit == 20


@pytest.mark.django_db
@pytest.mark.parametrize("wrong", [{"order": False}, {"order": "2"}, {"in_zone": 0}, {"in_zone": "true"}])
def test_a_hall_posted_with_a_wrongly_typed_field_is_refused_and_not_saved(dept, wrong):
    admin = staff_user("admin", dept, ["system_admin"])
    client = Client()
    assert client.login(username=admin.username, password=DEFAULT_PASSWORD)
    body = {"code": "gxq", "name": "政务服务中心", "district": "高新区", "order": 2, "in_zone": True}
    answer = client.post("/api/v1/halls", json.dumps(body | wrong), content_type="application/json")
    assert answer.status_code == 422, answer.content
    assert next(iter(wrong)) in json.dumps(answer.json(), ensure_ascii=False)
    assert not Hall.objects.exists()
    answer = client.post("/api/v1/halls", json.dumps(body), content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert Hall.objects.get(code="gxq").order == 2
