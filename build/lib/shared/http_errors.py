"""One place that turns errors into the JSON shape `{"error": code, "detail": text}`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import DomainError


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """Every error: a stable code, a sentence for people, and for 422 the fields at fault."""

    model_config = ConfigDict(extra="allow")

    error: str
    detail: str
    fields: list[FieldError] | None = None


# Documented on every route, so clients (and the schema fuzzing) know each error's shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "The request cannot be processed as sent",
        401: "Missing, invalid or expired token",
        403: "The caller's role does not allow this",
        404: "Not found (another enterprise's objects are not found either)",
        409: "Conflicts with the current state or a limit",
        413: "The upload is larger than the limit",
        415: "The file type is not supported",
        422: "The input is invalid; `fields` names each field at fault",
        429: "A quota or rate limit is reached",
    }.items()
}


def error_body(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "detail": detail, **extra}


def _field_path(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


def install_error_handlers(app: FastAPI) -> None:
    async def domain_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else {}
        if "retry_after_seconds" in exc.extra:
            headers["Retry-After"] = str(exc.extra["retry_after_seconds"])
        return JSONResponse(error_body(exc.code, exc.detail, **exc.extra), exc.status_code, headers=headers)

    async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        fields = [
            {"field": _field_path(tuple(err.get("loc", ()))), "message": str(err.get("msg", ""))}
            for err in exc.errors()
        ]
        detail = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return JSONResponse(error_body("validation_error", detail, fields=fields), 422)

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=exc.headers)

    async def unexpected_error(_request: Request, _exc: Exception) -> JSONResponse:
        return JSONResponse(error_body("internal_error", "an unexpected error occurred"), 500)

    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
