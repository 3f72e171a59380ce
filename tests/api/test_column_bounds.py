"""Every string, decimal and integer a request body may carry fits the column it is written to, and
every schema of the API has a name of its own.

SQLite keeps an over-long string or an over-large number whole and PostgreSQL refuses it with a
database error, so a schema bound wider than its column is a 500 on PostgreSQL only, found by the
fuzzer by luck. This sweep reads every request-body schema of the OpenAPI document (and the schemas
nested in them) and holds each field to the column of the same name: the model named like the schema
(TierIn → Tier) when there is one, else the models of the schema's app with such a column. A string
needs a max_length within the column's, a decimal whole digits and places within the column's, an
integer a maximum within the column's range."""

import re
import typing
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from ninja import Schema

from gaoxin.api import api

# Body fields that share a name with a column they are not written to, and why.
NOT_A_COLUMN = {
    ("BundleFormFieldIn", "label"): "kept inside the bundle's form definition (JSON), not a label column",
    ("TokenIn", "password"): "checked against the password hash, never stored",
    ("EntryIn", "source"): "written to source_note (200), the entry's 数据出处",
    ("OwnValueIn", "source"): "written to source_note (200), the value's 数据出处",
    ("ClassificationCheckIn", "revenue"): "a what-if check of the size class, never stored",
    ("ClassificationCheckIn", "assets"): "a what-if check of the size class, never stored",
}
# The revision a caller saw is compared with the row's, never written.
COMPARED_ONLY = {"revision"}
INT_RANGE = {
    models.SmallIntegerField: 2**15 - 1,
    models.PositiveSmallIntegerField: 2**15 - 1,
    models.IntegerField: 2**31 - 1,
    models.PositiveIntegerField: 2**31 - 1,
    models.BigIntegerField: 2**63 - 1,
    models.PositiveBigIntegerField: 2**63 - 1,
}
STEM = re.compile(r"(In|Create|Update|Edit|Patch|Save|Input|Payload)$")


def _refs(node, into: set[str]) -> None:
    if isinstance(node, dict):
        if "$ref" in node:
            into.add(node["$ref"].rsplit("/", 1)[-1])
        for value in node.values():
            _refs(value, into)
    elif isinstance(node, list):
        for value in node:
            _refs(value, into)


def body_schemas(document: dict) -> set[str]:
    """Names of the components reachable from any operation's request body."""
    found: set[str] = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            _refs(operation.get("requestBody", {}), found)
    components = document["components"]["schemas"]
    todo = list(found)
    while todo:
        nested: set[str] = set()
        _refs(components.get(todo.pop(), {}), nested)
        todo.extend(nested - found)
        found |= nested
    return found


def schema_classes() -> dict[str, type]:
    classes: dict[str, type] = {}
    todo = list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("gaoxin."):
            classes.setdefault(cls.__name__, cls)
    return classes


def max_length(prop: dict) -> int | None:
    lengths = [prop.get("maxLength")] + [alt.get("maxLength") for alt in prop.get("anyOf", [])]
    known = [n for n in lengths if n is not None]
    return max(known) if known else None


def bounds(annotation, metadata=()) -> dict:
    """The pydantic bounds of a field (le, lt, max_digits, decimal_places …), through Optional and
    Annotated, with the base type under "type"."""
    found: dict = {}
    for item in metadata:
        for key in ("le", "lt", "max_digits", "decimal_places"):
            if getattr(item, key, None) is not None:
                found[key] = getattr(item, key)
        for inner in getattr(item, "metadata", ()):
            found |= bounds(None, (inner,))
    if annotation is not None:
        args = typing.get_args(annotation)
        if typing.get_origin(annotation) is typing.Annotated:
            found |= bounds(args[0], annotation.__metadata__)
        elif args:
            for arg in args:
                if arg is not type(None):
                    found |= bounds(arg)
        elif isinstance(annotation, type):
            found.setdefault("type", annotation)
    return found


def number_problem(field_bounds: dict, column) -> str | None:
    kind = field_bounds.get("type")
    if isinstance(column, models.DecimalField) and kind is Decimal:
        whole = column.max_digits - column.decimal_places
        largest = field_bounds.get("le", field_bounds.get("lt"))
        digits, places = field_bounds.get("max_digits"), field_bounds.get("decimal_places")
        fits = (largest is not None and Decimal(largest) < Decimal(10) ** whole) or (
            digits is not None and digits - (places or 0) <= whole
        )
        if not fits:
            return f"whole digits unbounded or over the column's {whole}"
        if places is None or places > column.decimal_places:
            return f"decimal places {places} over the column's {column.decimal_places}"
    elif type(column) in INT_RANGE and kind is int:
        largest = field_bounds.get("le", field_bounds.get("lt"))
        if largest is None or largest > INT_RANGE[type(column)]:
            return f"maximum {largest} over the column's {INT_RANGE[type(column)]}"
    return None


def app_models(app_label: str) -> list:
    try:
        return list(apps.get_app_config(app_label).get_models())
    except LookupError:
        return []


def columns(app_label: str, field: str) -> dict[str, models.Field]:
    found = {}
    for model in app_models(app_label):
        try:
            found[model.__name__] = model._meta.get_field(field)
        except FieldDoesNotExist:
            continue
    return found


def out_of_bounds() -> list[str]:
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    classes = schema_classes()
    problems = []
    for name in sorted(body_schemas(document)):
        cls = classes.get(name)
        if cls is None:
            continue
        app_label = cls.__module__.split(".")[1]
        stem = STEM.sub("", name)
        # A schema named like one of its app's models writes that model: only its columns count.
        own = any(m.__name__ == stem for m in app_models(app_label))
        for field, prop in components[name].get("properties", {}).items():
            if (name, field) in NOT_A_COLUMN or field in COMPARED_ONLY:
                continue
            candidates = columns(app_label, field)
            named = {m: c for m, c in candidates.items() if m == stem or stem.endswith(m)}
            target = named if (named or own) else candidates
            lengths = {m: c.max_length for m, c in target.items() if getattr(c, "max_length", None)}
            length = max_length(prop)
            if length is not None and lengths and length > max(lengths.values()):
                problems.append(f"{name}.{field}: max_length {length} > column {lengths}")
            pydantic_field = cls.model_fields.get(field)
            if pydantic_field is None:
                continue
            field_bounds = bounds(pydantic_field.annotation, pydantic_field.metadata)
            found = {m: number_problem(field_bounds, c) for m, c in target.items()}
            # A schema named like its model must fit that model; otherwise one column must take it.
            if (named and any(found.values())) or (found and all(found.values())):
                problems.extend(f"{name}.{field} → {m}.{field}: {p}" for m, p in found.items() if p)
    return problems


def test_every_body_field_fits_its_column():
    assert out_of_bounds() == []


def test_the_sweep_sees_the_body_schemas():
    # The sweep must reach the schemas it guards (a renamed component would silently empty it).
    names = body_schemas(api.get_openapi_schema())
    assert {"TierIn", "ChainIn", "TalentIn"} <= names
    assert {schema for schema, _ in NOT_A_COLUMN} <= names  # no stale exception


@pytest.fixture
def officer_headers(db):
    from gaoxin.accounts import services
    from gaoxin.accounts.roles import Role
    from tests.factories import department, staff_user

    user = staff_user("bounds-officer", department("talent", "人才办"), list(Role.values))
    _, key = services.token_issue(user=user)
    return {"Authorization": f"Bearer {key}"}


def test_an_over_long_tier_name_is_refused_in_chinese(client, officer_headers):
    response = client.put(
        "/api/v1/talent/tiers/A",
        {"name": "名" * 41, "rank": 1},
        content_type="application/json",
        headers=officer_headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed", body
    assert body["fields"] == {"name": "内容过长（最多 40 个字符）"}, body


def test_a_carrier_area_the_column_cannot_hold_is_refused(client, officer_headers):
    from gaoxin.investment.models import Carrier

    url = "/api/v1/investment/carriers"
    body = {"kind": Carrier.Kind.values[0], "name": "标准地一号"}
    too_big = client.post(
        url, {**body, "area_mu": "123456789"}, content_type="application/json", headers=officer_headers
    )
    assert too_big.status_code == 422, too_big.content
    assert "area_mu" in too_big.json()["fields"]
    assert not Carrier.objects.filter(name="标准地一号").exists()
    fits = client.post(
        url, {**body, "area_mu": "12345678.5"}, content_type="application/json", headers=officer_headers
    )
    assert fits.status_code == 201, fits.content


def test_no_two_api_schemas_share_a_name():
    # The OpenAPI document keys its components by class name: two schemas of one name leave one of
    # them documented for both operations (the hall's appointment body was documented as the expert
    # roster's, so clients and the fuzzer sent the wrong fields).
    components = set(api.get_openapi_schema()["components"]["schemas"])
    modules: dict[str, set[str]] = {}
    todo = list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("gaoxin.") and cls.__name__ in components:
            modules.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: sorted(m) for name, m in modules.items() if len(m) > 1} == {}
