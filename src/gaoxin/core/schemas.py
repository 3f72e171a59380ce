"""Shared API schema pieces: the base class of every API schema, identifier types validated by
core.identifiers, the error shape, and a JSON body that may also arrive as multipart/form-data with files."""

import datetime as dt
import decimal
import json
import re
import types
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from ninja import Schema as NinjaSchema
from ninja.files import UploadedFile
from ninja.params.models import BodyModel, Param
from ninja.parser import Parser
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator
from pydantic.json_schema import SkipJsonSchema

from .errors import BadRequest, ValidationFailed
from .identifiers import check_id_card, check_uscc

# The JSON types a scalar field takes in a JSON body. pydantic's lax mode would also read false as 0,
# 1 as true and "5" as 5; JSON says what a value is, so a body gets what its OpenAPI schema says.
_JSON_KINDS: dict[type, frozenset[type]] = {
    bool: frozenset({bool}),
    int: frozenset({int, float}),  # a whole float (2.0) is an integer in JSON Schema; 2.5 pydantic refuses
    float: frozenset({int, float}),
    decimal.Decimal: frozenset({int, float, str}),  # its JSON Schema allows a string of digits
}
_KIND_MESSAGE = {bool: "应为 true 或 false", int: "应为数字", float: "应为数字", decimal.Decimal: "应为数字"}


def _scalar(annotation: Any) -> tuple[type | None, bool]:
    """(the scalar type of a field among _JSON_KINDS or None, whether null is allowed)."""
    if get_origin(annotation) is Annotated:
        return _scalar(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        members = [m for m in get_args(annotation) if m is not type(None)]
        if len(members) == 1:
            return _scalar(members[0])[0], True
        return None, False
    if isinstance(annotation, type) and annotation in _JSON_KINDS:
        return annotation, False
    return None, False


def _json_kind_error(annotation: Any, value: Any, *, from_query: bool) -> str | None:
    """The message when `value` is not of the JSON type the field declares, else None. A list of
    scalars is checked item by item. A query string carries text only, so text is what it takes."""
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is list and isinstance(value, list):
        (item,) = get_args(annotation) or (Any,)
        return next((m for v in value if (m := _json_kind_error(item, v, from_query=from_query))), None)
    kind, nullable = _scalar(annotation)
    if kind is None or (value is None and nullable) or (from_query and isinstance(value, str)):
        return None
    # bool is a subclass of int: compare exact types.
    if type(value) not in _JSON_KINDS[kind] and not isinstance(value, decimal.Decimal):
        return _KIND_MESSAGE[kind]
    return None


class Schema(NinjaSchema):
    """The base of every API schema of the platform: each field takes the JSON type its OpenAPI
    schema declares (see _JSON_KINDS), so {"order": false} or {"in_zone": 0} is a 422, not 排序 0 or
    否 (tests/api/test_schema_base.py holds every schema of the API to it)."""

    # A schema read from a query string (QuerySchema) takes its values as text.
    _from_query: ClassVar[bool] = False

    @field_validator("*", mode="before")
    @classmethod
    def _json_type(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        # Only a request is held to it; an answer (ninja validates it with its status) is our own.
        if field is not None and "response_status" not in (info.context or {}):
            message = _json_kind_error(field.annotation, value, from_query=cls._from_query)
            if message:
                raise ValueError(message)
        return value


class QuerySchema(Schema):
    """The base of a schema read from the query string (`Query[...]`): every value arrives as text."""

    _from_query: ClassVar[bool] = True


def _uscc(value: str) -> str:
    result = check_uscc(value)
    if not result.valid:
        raise ValueError(result.message)
    return result.normalized


def _id_card(value: str) -> str:
    result = check_id_card(value)
    if not result.valid:
        raise ValueError(result.message)
    return result.normalized


def column_length(model: Any, field: str) -> int:
    """The max_length of the model column a request string is written to, so that a schema bounds it
    by the column itself: longer input is a 422 here, not a database error on PostgreSQL (or text kept
    whole on SQLite). tests/api/test_column_bounds.py holds every body schema to its column."""
    return model._meta.get_field(field).max_length


def column_digits(model: Any, field: str) -> dict[str, int]:
    """max_digits and decimal_places of a DecimalField, for a schema's Field(**…): a number the column
    cannot hold is a 422, not a numeric overflow on PostgreSQL."""
    column = model._meta.get_field(field)
    return {"max_digits": column.max_digits, "decimal_places": column.decimal_places}


USCC = Annotated[str, AfterValidator(_uscc)]
# A row id in a path or query: bounded so that an oversized number is a 422, not a database error.
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]
IdCard = Annotated[str, AfterValidator(_id_card)]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    # pydantic reads an integer (or a string of digits) as a Unix timestamp: 0 would be 1970-01-01.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()
    raise ValueError("应为日期 YYYY-MM-DD")


# Every date in a request (body, query or path): only "YYYY-MM-DD", never a number or a timestamp.
Date = Annotated[dt.date, BeforeValidator(_iso_date)]

NUL_MESSAGE = "请求中含有不允许的控制字符（NUL），请检查输入"


def reject_nul(data: Any) -> Any:
    """`data` (parsed JSON) unchanged, or BadRequest when any key or string in it holds a NUL:
    PostgreSQL text cannot store one, and no field of the platform wants one."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise BadRequest(NUL_MESSAGE, fields={"请求": "含有 NUL 字符"})
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return data


class TaskOut(Schema):
    """The answer to a request that started a background task: the run to poll (/api/v1/tasks/{run_id})."""

    task_run: int


class Error(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


# ---- a JSON body that may also come as multipart/form-data with files ----------------------------


class _JsonOrMultipartModel(BodyModel):
    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type == "multipart/form-data":
            raw, files, field = request.POST.get("payload") or "{}", dict(request.FILES.items()), "payload"
        else:
            raw, files, field = request.body or b"{}", {}, "请求"
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            raise ValidationFailed(
                "请求体不是有效的 JSON" if field == "请求" else "payload 不是有效的 JSON",
                fields={field: "不是有效的 JSON"},
            ) from None
        if not isinstance(data, dict):
            raise ValidationFailed("请求体应为 JSON 对象", fields={field: "应为 JSON 对象"})
        reject_nul(data)
        # Only a multipart request carries files; a JSON body cannot smuggle a `files` key in.
        return {cls.__read_from_single_attr__: {**data, "files": files}}


class ObjectParser(Parser):
    """ninja's JSON parser, refusing a body that is not a JSON object (every body here is one), so
    `[]` is not read as an empty object by a Schema whose fields are all optional, and a body with a
    NUL character in any string (whatever its Content-Type; see `reject_nul`)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return reject_nul(data)


class JsonOrMultipart(Param):
    """A body declared by a Schema that accepts application/json, or multipart/form-data whose
    `payload` field holds the same JSON, with uploaded files beside it (see `WithFiles`).

    Describe the multipart variant in the operation with `openapi_extra=multipart_variant(...)`."""

    _model = _JsonOrMultipartModel

    @classmethod
    def _param_source(cls) -> str:
        return "body"


class WithFiles(Schema):
    """Base of a JsonOrMultipart body: the uploaded files of a multipart request, by field name."""

    files: SkipJsonSchema[dict[str, UploadedFile]] = {}


def multipart_variant(schema: type[Schema], *, files: dict, required: bool = True) -> dict:
    """`openapi_extra` of a JsonOrMultipart operation: the multipart/form-data form of its body.

    `files` is the JSON-Schema of the file fields: {"properties": {...}} or {"patternProperties": {...}}."""
    form = {
        "type": "object",
        "properties": {
            "payload": {
                "type": "string",
                "contentMediaType": "application/json",
                "description": f"与 application/json 请求体相同的 JSON（{schema.__name__}）",
            },
            **files.get("properties", {}),
        },
    }
    if "patternProperties" in files:
        form["patternProperties"] = files["patternProperties"]
    return {
        "requestBody": {
            "required": required,
            "content": {
                "multipart/form-data": {
                    "schema": form,
                    "encoding": {"payload": {"contentType": "application/json"}},
                }
            },
        }
    }


BINARY = {"type": "string", "format": "binary"}
