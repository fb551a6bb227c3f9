"""Domain errors and the one JSON shape every error answer takes.

Domain code raises these; `boxoffice.http` is the only place that turns them
into HTTP answers: `{"code": "...", "message": "...", "details": {...}}`.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "BAD_REQUEST"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class BadRequest(DomainError):
    status, code = 400, "BAD_REQUEST"


class Unauthorized(DomainError):
    status, code = 401, "UNAUTHORIZED"


class PaymentDeclined(DomainError):
    status, code = 402, "PAYMENT_DECLINED"


class Forbidden(DomainError):
    status, code = 403, "FORBIDDEN"


class NotFound(DomainError):
    status, code = 404, "NOT_FOUND"


class Conflict(DomainError):
    status, code = 409, "CONFLICT"


class PayloadTooLarge(DomainError):
    status, code = 413, "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(DomainError):
    status, code = 415, "UNSUPPORTED_MEDIA_TYPE"


class Invalid(DomainError):
    status, code = 422, "VALIDATION_FAILED"


class Locked(DomainError):
    status, code = 423, "ACCOUNT_LOCKED"


class TooManyRequests(DomainError):
    status, code = 429, "TOO_MANY_REQUESTS"


class UpstreamFailed(DomainError):
    status, code = 502, "UPSTREAM_FAILED"


class Unavailable(DomainError):
    status, code = 503, "SERVICE_UNAVAILABLE"


class ConfigurationError(RuntimeError):
    """The function was deployed without something it needs: an operator's error, never a client's."""


def field_errors(field: str, message: str, **details: Any) -> dict[str, Any]:
    """`details` naming one body field the way request validation names them, so clients show it by the field."""
    return {"errors": [{"location": f"body.{field}", "message": message}], **details}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}
