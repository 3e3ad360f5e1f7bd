"""The errors both products raise from their services; `shared.http_errors` maps them to HTTP."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A failure the caller can understand and act on; mapped to HTTP in one place."""

    status_code = 400
    code = "bad_request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFoundError(DomainError):
    status_code = 404
    code = "not_found"


class ConflictError(DomainError):
    status_code = 409
    code = "conflict"


class AuthenticationError(DomainError):
    status_code = 401
    code = "not_authenticated"


class PermissionDeniedError(DomainError):
    status_code = 403
    code = "forbidden"


class PayloadTooLargeError(DomainError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaTypeError(DomainError):
    status_code = 415
    code = "unsupported_media_type"


class InvalidInputError(DomainError):
    status_code = 422
    code = "invalid_input"


class QuotaExceededError(DomainError):
    status_code = 429
    code = "quota_exceeded"


class TooManyAttemptsError(DomainError):
    status_code = 429
    code = "too_many_attempts"
