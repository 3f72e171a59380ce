"""Domain errors raised by services. Views and the API turn them into messages and 4xx answers."""


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


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The action does not fit the object's current state, or a concurrent action won first."""

    status = 409
    code = "conflict"
