"""Domain errors raised by services, and the one mapping from an error to its HTTP status.

The status belongs to the error class (`status`); the API's exception handlers (`gaoxin/api.py`)
and the pages' middleware (`core/middleware.py`) both read it through `status_of`, so a service
error is the same 4xx on a page and in the API."""


class DomainError(Exception):
    """A business rule refused the request. `message` is Chinese and shown to the user as is."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class BadRequest(DomainError):
    """The request itself could not be read (a broken upload, a forbidden character)."""

    status = 400
    code = "bad_request"


class ValidationFailed(DomainError):
    """A field or the body is not valid; `fields` says which and why."""

    status = 422
    code = "validation_failed"


class NotAuthenticated(DomainError):
    """No valid session or bearer token."""

    status = 401
    code = "not_authenticated"


class PermissionDenied(DomainError):
    """The caller may not do this (role, tenancy or account state)."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """No such object, or one the caller may not see."""

    status = 404
    code = "not_found"


class PayloadTooLarge(DomainError):
    """The request body is over the platform's limits (size, number of fields or of files)."""

    status = 413
    code = "payload_too_large"


class Conflict(DomainError):
    """The action does not fit the object's current state, or a concurrent action won first."""

    status = 409
    code = "conflict"


class TooManyRequests(DomainError):
    """The client sent more requests than a rate limit allows; it may try again after a while."""

    status = 429
    code = "rate_limited"


ERROR_CLASSES: tuple[type[DomainError], ...] = (
    BadRequest,
    ValidationFailed,
    NotAuthenticated,
    PermissionDenied,
    NotFound,
    Conflict,
    PayloadTooLarge,
    TooManyRequests,
)


def status_of(exc: BaseException) -> int:
    """The HTTP status of an error: a DomainError's class decides; anything else is a server error."""
    return exc.status if isinstance(exc, DomainError) else 500


def error_for_status(status: int, message: str, *, fields: dict[str, str] | None = None) -> DomainError:
    """The domain error of a framework's 4xx (a ninja HttpError, say), so it is answered the same way."""
    for cls in ERROR_CLASSES:
        if cls.status == status:
            return cls(message, fields=fields)
    error = DomainError(message, fields=fields)
    error.status = status if 400 <= status < 500 else 400
    return error


def request_error(exc: BaseException) -> DomainError | None:
    """The domain error of Django's refusal to read a request body (over a DATA_UPLOAD_* limit, a
    broken multipart body, any other SuspiciousOperation), or None when `exc` is not one of those."""
    from django.core.exceptions import (
        RequestDataTooBig,
        SuspiciousOperation,
        TooManyFieldsSent,
        TooManyFilesSent,
    )
    from django.http.multipartparser import MultiPartParserError

    if isinstance(exc, RequestDataTooBig):
        from django.conf import settings

        limit = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) // (1024 * 1024)
        return PayloadTooLarge(f"请求内容过大：请求体或表单文字内容不能超过 {limit} MB")
    if isinstance(exc, TooManyFieldsSent):
        return PayloadTooLarge("请求中的字段过多，请减少字段数量后重试")
    if isinstance(exc, TooManyFilesSent):
        return PayloadTooLarge("一次上传的文件过多，请分批上传")
    if isinstance(exc, MultiPartParserError):
        return BadRequest("上传内容格式不正确，请以 multipart/form-data 上传文件")
    if isinstance(exc, SuspiciousOperation):
        return BadRequest("请求无法处理，请检查后重试")
    return None
