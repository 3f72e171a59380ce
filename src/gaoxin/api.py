"""The API root: /api/v1/, its authentication, and the one JSON error shape {"code","message","fields"}."""

from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from gaoxin.accounts.services import token_user
from gaoxin.core.errors import DomainError
from gaoxin.core.middleware import api_error


class BearerToken(HttpBearer):
    openapi_description = "POST /api/v1/auth/token 取得的令牌：Authorization: Bearer gx_…"

    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


# A bearer token, or Django's session (ninja's SessionAuth checks CSRF on unsafe methods).
auth = [BearerToken(), SessionAuth()]

api = NinjaAPI(
    title="gaoxin 高新区综合服务平台 API",
    version="1",
    urls_namespace="api",
    auth=auth,
    docs_url="/docs",
)


def _field_errors(errors: list[dict]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        name = ".".join(loc) or "请求"
        msg = str(err.get("msg", "取值不正确"))
        msg = msg.removeprefix("Value error, ")
        fields.setdefault(name, _translate(err.get("type", ""), msg))
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
    "greater_than_equal": "取值过小",
    "less_than_equal": "取值过大",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
}


def _translate(kind: str, message: str) -> str:
    if kind == "value_error":
        return message
    return _MESSAGES.get(kind, message)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    fields = _field_errors(exc.errors)
    summary = "；".join(f"{k}：{v}" for k, v in fields.items())
    return api_error(422, "validation_failed", f"请求内容有误：{summary}", fields)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api_error(exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api_error(401, "not_authenticated", "请先登录，或在 Authorization 头中提供有效令牌")


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    return api_error(400, "bad_request", "上传内容格式不正确，请以 multipart/form-data 上传文件")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api_error(404, "not_found", "未找到请求的对象")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api_error(exc.status_code, "error", str(exc.message))


def _register_routers():
    from gaoxin.accounts.api import router as accounts_router
    from gaoxin.core.api import router as core_router
    from gaoxin.economy.api import router as economy_router
    from gaoxin.enterprises.api import router as enterprises_router
    from gaoxin.govservices.api import router as govservices_router
    from gaoxin.investment.api import router as investment_router
    from gaoxin.policies.api import router as policies_router

    api.add_router("/", core_router)
    api.add_router("/auth", accounts_router)
    api.add_router("/", govservices_router)
    api.add_router("/", enterprises_router)
    api.add_router("/", policies_router)
    api.add_router("/", investment_router)
    api.add_router("/", economy_router)


_register_routers()
