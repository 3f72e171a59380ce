"""The API root: /api/v1/, its authentication, and the one JSON error shape {"code","message","fields"}."""

import json

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from gaoxin.accounts.services import token_user
from gaoxin.core.errors import (
    ERROR_CLASSES,
    BadRequest,
    DomainError,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
    error_for_status,
    request_error,
)
from gaoxin.core.middleware import error_response
from gaoxin.core.ratelimit import client_ip
from gaoxin.core.schemas import ObjectParser


class BearerToken(HttpBearer):
    openapi_description = "POST /api/v1/auth/token 取得的令牌：Authorization: Bearer gx_…"

    def authenticate(self, request, token):
        user = token_user(token, client_ip(request))
        if user is not None:
            request.user = user
        return user


# A bearer token, or Django's session (ninja's SessionAuth checks CSRF on unsafe methods).
auth = [BearerToken(), SessionAuth()]

# One OpenAPI tag per pillar, each with the URL prefixes its operations live under (docs/api.md).
# tests/api/test_contract.py holds every operation to exactly one of these tags and to its prefixes.
PILLARS: dict[str, tuple[str, tuple[str, ...]]] = {
    "基础": (
        "工作日期限、证照号码校验、后台任务、导入错误表、站内消息（core）",
        ("/calendar/", "/identifiers/", "/tasks/", "/import-errors/", "/messages"),
    ),
    "账户": ("令牌与当前用户（accounts）", ("/auth/",)),
    "政务服务": (
        "事项目录、办件及其操作、电子证照核验、好差评、电子监察、一件事、工程建设项目审批、政务服务大厅、自助终端（govservices）",
        (
            "/service-items",
            "/service-catalogue",
            "/cases",
            "/licences/",
            "/ratings",
            "/rating-stats",
            "/rectifications/",
            "/supervision/",
            "/bundles",
            "/bundle-catalogue/",
            "/bundle-cases",
            "/project-tracks",
            "/halls",
            "/appointments",
            "/tickets",
            "/kiosk/",
        ),
    ),
    "企业名录": ("企业名录与分类（enterprises）", ("/enterprises", "/classifications/")),
    "数据报送": ("企业报表与统计（enterprises）", ("/reports", "/statistics/")),
    "惠企政策": (
        "政策、兑现事项、规则、兑现与拨付、贷款与租金减免（policies）",
        (
            "/policies",
            "/clauses/",
            "/rules/",
            "/awards",
            "/payment-batches",
            "/loans",
            "/relief-schemes",
            "/policy-reports/",
            "/me/offers",
        ),
    ),
    "招商引资": ("招商引资（investment）", ("/investment/",)),
    "人才与双创": ("人才与双创（talent）", ("/talent/",)),
    "双创": ("双创载体、研发机构、博士后与专家、技术合同（innovation）", ("/innovation/",)),
    "经济运行": ("经济运行（economy）", ("/economy/",)),
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "机器可读的错误代码"},
        "message": {"type": "string", "description": "给用户看的中文说明"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "逐字段的错误说明",
        },
        "error_sheet": {
            "type": "string",
            "description": "导入被拒时：上传的表格加「错误说明」列的下载地址（本人可下载，保留一天）",
        },
    },
}


class GaoxinAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document names, on every operation, the error answers the platform gives:
    one per domain error class (core.errors.ERROR_CLASSES), all in the one error shape. A client
    (and the schema fuzzer) can so rely on every status it may receive being documented."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for cls in ERROR_CLASSES:
                    doc = (cls.__doc__ or cls.code).strip().splitlines()[0]
                    responses.setdefault(str(cls.status), {"description": doc, "content": ref})
        return schema


api = GaoxinAPI(
    title="gaoxin 高新区综合服务平台 API",
    version="1",
    urls_namespace="api",
    auth=auth,
    docs_url="/docs",
    parser=ObjectParser(),
    openapi_extra={"tags": [{"name": name, "description": text} for name, (text, _) in PILLARS.items()]},
)


def _field_errors(errors: list[dict]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        name = ".".join(loc) or "请求"
        msg = str(err.get("msg", "取值不正确"))
        msg = msg.removeprefix("Value error, ")
        fields.setdefault(name, _translate(err.get("type", ""), msg, err.get("ctx") or {}))
    return fields


_MESSAGES = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "string_type": "应为文本",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "bool_parsing": "应为 true 或 false",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "greater_than_equal": "取值过小（不小于 {ge}）",
    "less_than_equal": "取值过大（不大于 {le}）",
    "string_too_long": "内容过长（最多 {max_length} 个字符）",
    "string_too_short": "内容过短（至少 {min_length} 个字符）",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "decimal_parsing": "应为数字，如 1234.56",
    "decimal_type": "应为数字，如 1234.56",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多（金额最多两位小数）",
    "decimal_whole_digits": "整数部分位数过多",
    "float_parsing": "应为数字",
    "int_from_float": "应为整数",
    "greater_than": "取值过小（应大于 {gt}）",
    "less_than": "取值过大（应小于 {lt}）",
    "too_long": "项数过多（最多 {max_length} 项）",
    "too_short": "项数过少（至少 {min_length} 项）",
    "list_type": "应为列表",
    "extra_forbidden": "不允许的字段",
}


def _translate(kind: str, message: str, ctx: dict) -> str:
    """pydantic's error in Chinese, with its bound (ctx) where the message names one."""
    if kind == "value_error" or kind not in _MESSAGES:
        return message
    try:
        return _MESSAGES[kind].format(**ctx)
    except (KeyError, IndexError):
        return _MESSAGES[kind].split("（")[0]


# Every handler answers through core.middleware.error_response: the status is the domain error class's.


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    fields = _field_errors(exc.errors)
    summary = "；".join(f"{k}：{v}" for k, v in fields.items())
    return error_response(ValidationFailed(f"请求内容有误：{summary}", fields=fields))


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    response = error_response(exc)
    sheet = getattr(exc, "error_sheet", None)  # a refused import: its rows with a 错误说明 column
    if sheet and request.user.is_authenticated:
        from gaoxin.core import officefiles

        token = officefiles.keep_error_sheet(request.user, sheet)
        body = json.loads(response.content)
        body["error_sheet"] = f"/api/v1/import-errors/{token}"
        response = JsonResponse(body, status=response.status_code, json_dumps_params={"ensure_ascii": False})
    return response


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(NotAuthenticated("请先登录，或在 Authorization 头中提供有效令牌"))


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    return error_response(BadRequest("上传内容格式不正确，请以 multipart/form-data 上传文件"))


@api.exception_handler(SuspiciousOperation)
def on_unreadable_request(request, exc):
    # A body over a DATA_UPLOAD_* limit read late (core.middleware.RequestBodyMiddleware reads it first).
    return error_response(request_error(exc) or BadRequest("请求无法处理，请检查后重试"))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(NotFound("未找到请求的对象"))


# ninja's own 4xx messages (English) in Chinese; an unparsable JSON body is a 422 like any bad field.
_HTTP_ERRORS = {
    "Cannot parse request body": (422, "请求体应为有效的 JSON 对象", {"请求": "应为 JSON 对象"}),
}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, DomainError):  # the parser's own refusal (core.schemas.reject_nul)
        return error_response(exc.__cause__)
    message = str(exc.message)
    for prefix, (status, chinese, fields) in _HTTP_ERRORS.items():
        if message.startswith(prefix):
            return error_response(error_for_status(status, chinese, fields=fields))
    return error_response(error_for_status(exc.status_code, message))


def _register_routers():
    from gaoxin.accounts.api import router as accounts_router
    from gaoxin.core.api import router as core_router
    from gaoxin.economy.api import router as economy_router
    from gaoxin.enterprises.api import router as enterprises_router
    from gaoxin.govservices.api import router as govservices_router
    from gaoxin.govservices.api_bundles import router as bundles_router
    from gaoxin.govservices.api_kiosk import router as kiosk_router
    from gaoxin.govservices.api_tracks import router as tracks_router
    from gaoxin.govservices.hall_api import router as hall_router
    from gaoxin.innovation.api import router as innovation_router
    from gaoxin.investment.api import router as investment_router
    from gaoxin.policies.api import router as policies_router
    from gaoxin.talent.api import router as talent_router

    api.add_router("/", core_router)
    api.add_router("/auth", accounts_router)
    api.add_router("/", govservices_router)
    api.add_router("/", bundles_router)
    api.add_router("/", tracks_router)
    api.add_router("/", hall_router)
    api.add_router("/", kiosk_router)
    api.add_router("/", enterprises_router)
    api.add_router("/", policies_router)
    api.add_router("/", investment_router)
    api.add_router("/", talent_router)
    api.add_router("/", innovation_router)
    api.add_router("/", economy_router)


_register_routers()
