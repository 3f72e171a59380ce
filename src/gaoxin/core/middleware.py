"""Request ids for the audit log, and JSON errors for every /api/ path."""

from __future__ import annotations

import contextvars
import logging
import uuid

from django.http import JsonResponse

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
logger = logging.getLogger(__name__)


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if 8 <= len(incoming) <= 64 and incoming.replace("-", "").isalnum() else uuid.uuid4().hex
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


class ApiErrorMiddleware:
    """Django's own 404/500 pages become the API's JSON error shape under /api/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/") and response.status_code == 404 and "json" not in response.get(
            "Content-Type", ""
        ):
            return api_error(404, "not_found", "请求的接口不存在")
        return response

    def process_exception(self, request, exception):
        if request.path.startswith("/api/"):
            logger.exception("unhandled error on %s", request.path)
            return api_error(500, "server_error", "服务器内部错误，请稍后重试；如仍出现请联系管理员")
        return None
