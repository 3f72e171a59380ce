"""Request ids for the audit log, and errors: JSON for every /api/ path, the same status on pages.

A DomainError's HTTP status comes from its class (`core.errors.status_of`), for the API and pages alike."""

from __future__ import annotations

import contextvars
import json
import logging
import uuid

from django.http import HttpResponse, JsonResponse

from .errors import (
    BadRequest,
    DomainError,
    NotAuthenticated,
    ValidationFailed,
    request_error,
    status_of,
)
from .schemas import NUL_MESSAGE, reject_nul

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
logger = logging.getLogger(__name__)


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = (
            incoming if 8 <= len(incoming) <= 64 and incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        )
        request.request_id = rid
        token = _request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


def api_error(status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "fields": fields or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def error_response(exc: DomainError) -> JsonResponse:
    """The API's answer to a domain error: its class's status and `{"code", "message", "fields"}`."""
    return api_error(status_of(exc), exc.code, exc.message, exc.fields)


def page_error_response(request, exc: DomainError) -> HttpResponse:
    """A page's answer to a domain error that its view did not catch: the same status as in the API,
    on the site's error page."""
    from django.contrib.auth.views import redirect_to_login

    from .errorpages import error_page

    if isinstance(exc, NotAuthenticated):
        return redirect_to_login(request.get_full_path())
    return error_page(request, status_of(exc), exc.message)


def error_answer(request, exc: DomainError) -> HttpResponse:
    """A domain error answered outside a view: JSON under /api/, a Chinese page elsewhere."""
    if request.path.startswith("/api/"):
        return error_response(exc)
    return page_error_response(request, exc)


class RequestBodyMiddleware:
    """Read every request body once, up front, inside Django's DATA_UPLOAD_* limits.

    Django refuses an oversized body, too many fields or too many files with an exception the first
    time something reads `request.body` / `request.POST` — the CSRF check, a NUL check, ninja's parser,
    a form — and each of those would answer it differently (an English 400 page, or a 500 under
    /api/). Reading the body here, before any of them and before any permission check, answers every
    such request the same way: 413 (or 400 for a broken multipart body), JSON under /api/ and a
    Chinese page elsewhere, for anonymous callers too."""

    METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in self.METHODS:
            try:
                if request.method == "POST" and request.content_type in FORM_TYPES:
                    request.POST  # noqa: B018 - parses fields and files, enforcing the limits
                    request.FILES  # noqa: B018
                else:
                    body = request.body  # enforces DATA_UPLOAD_MAX_MEMORY_SIZE
                    if request.path.startswith("/api/") and request.content_type not in FORM_TYPES:
                        api_body_check(body)
            except DomainError as error:
                return error_answer(request, error)
            except Exception as exc:
                error = request_error(exc)
                if error is None:
                    raise
                # The body may be half read; the response must not depend on anything after it.
                request._post, request._files = _empty_post(request)
                return error_answer(request, error)
        return self.get_response(request)


FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


def api_body_check(body: bytes) -> None:
    """Every API body that is not a form, whatever its Content-Type and whether or not the operation
    declares one, is a JSON object without NUL characters: an operation that takes no body does not
    quietly act on `[]`, `"x"` or `1`, and ninja (which reads any body as JSON) never sees NUL."""
    if not body.strip():
        return
    if b"\x00" in body:
        raise BadRequest(NUL_MESSAGE, fields={"请求": "含有 NUL 字符"})
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ValidationFailed("请求体应为有效的 JSON 对象", fields={"请求": "不是有效的 JSON"}) from None
    if not isinstance(data, dict):
        raise ValidationFailed("请求体应为 JSON 对象", fields={"请求": "应为 JSON 对象"})
    reject_nul(data)


def _empty_post(request):
    from django.http import QueryDict
    from django.utils.datastructures import MultiValueDict

    return QueryDict(encoding=request.encoding), MultiValueDict()


class ApiErrorMiddleware:
    """Django's own 404/500 pages become the API's JSON error shape under /api/; a DomainError that
    escapes a view is answered with its class's status, as JSON under /api/ and as a page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code == 404
            and "json" not in response.get("Content-Type", "")
        ):
            return api_error(404, "not_found", "请求的接口不存在")
        return response

    def process_exception(self, request, exception):
        exception = request_error(exception) or exception
        if isinstance(exception, DomainError):
            if request.path.startswith("/api/"):
                return error_response(exception)
            return page_error_response(request, exception)
        if request.path.startswith("/api/"):
            logger.exception("unhandled error on %s", request.path)
            return api_error(500, "server_error", "服务器内部错误，请稍后重试；如仍出现请联系管理员")
        return None


class RejectNulMiddleware:
    """Refuse NUL characters in query strings and form/JSON bodies with a 400.

    PostgreSQL text cannot hold NUL; without this a stray \\u0000 in any field becomes a database
    error deep inside a service. File uploads (multipart) are not inspected: binary files contain NUL."""

    MESSAGE = NUL_MESSAGE

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return error_answer(request, BadRequest(self.MESSAGE))
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            return True
        # Every body but multipart (binary files contain NUL): ninja reads a body as JSON whatever its
        # Content-Type says, so a `text/plain` body is checked like `application/json`.
        if request.method in RequestBodyMiddleware.METHODS and request.content_type != "multipart/form-data":
            body = request.body
            return b"\x00" in body or b"\\u0000" in body or b"%00" in body
        return False
