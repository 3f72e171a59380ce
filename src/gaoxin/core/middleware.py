"""Request ids for the audit log, and errors: JSON for every /api/ path, the same status on pages.

A DomainError's HTTP status comes from its class (`core.errors.status_of`), for the API and pages alike."""

from __future__ import annotations

import contextvars
import logging
import uuid

from django.http import HttpResponse, JsonResponse

from .errors import BadRequest, DomainError, NotAuthenticated, NotFound, PermissionDenied, status_of

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
    """A page's answer to a domain error that its view did not catch: the same status as in the API."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from django.http import Http404
    from django.utils.html import escape
    from django.views import defaults

    if isinstance(exc, NotAuthenticated):
        return redirect_to_login(request.get_full_path())
    if isinstance(exc, NotFound):
        return defaults.page_not_found(request, Http404(exc.message))
    if isinstance(exc, PermissionDenied):
        return defaults.permission_denied(request, DjangoPermissionDenied(exc.message))
    return HttpResponse(
        f'<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>{status_of(exc)}</title>'
        f"<p>{escape(exc.message)}</p></html>",
        status=status_of(exc),
    )


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

    MESSAGE = "请求中含有不允许的控制字符（NUL），请检查输入"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return error_response(BadRequest(self.MESSAGE))
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith(("application/json", "application/x-www-form-urlencoded")):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body or b"%00" in body
        return False
