"""Input that no endpoint can store, refused before any endpoint sees it.

PostgreSQL text cannot hold the NUL character, and it rejects time-zone offsets beyond ±15:59
that Python accepts; both would otherwise surface as a database error (a 500) wherever a user
string or date reaches SQL. Here they are a 422 for every endpoint, present and future.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http_errors import error_body

MAX_JSON_BODY = 1024 * 1024


def _as_utc(value: datetime) -> datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        return aware.astimezone(UTC)
    except OverflowError:
        raise ValueError("date is out of range") from None


# A timestamp in any offset (or none, read as UTC), converted to UTC.
UTCTimestamp = Annotated[datetime, AfterValidator(_as_utc)]

# How many rows a list skips. Bounded: the databases take a signed 64-bit OFFSET, and no list
# of one enterprise comes near a billion rows.
MAX_OFFSET = 1_000_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]


def _refusal(detail: str, field: str) -> bytes:
    body = error_body("validation_error", f"{field}: {detail}", fields=[{"field": field, "message": detail}])
    return json.dumps(body).encode()


class RefuseNulCharacters:
    """422 for a NUL character in the query string or in a JSON body (file uploads may hold any byte)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"")
        if b"%00" in query or b"\x00" in query:
            await _reply(send, 422, _refusal("text may not contain NUL characters", "query"))
            return
        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        if not content_type.startswith(b"application/json"):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_JSON_BODY:
                await _reply(
                    send,
                    413,
                    json.dumps(error_body("payload_too_large", "a JSON body is at most 1 MB")).encode(),
                )
                return
        if b"\\u0000" in body or b"\x00" in body:
            await _reply(send, 422, _refusal("text may not contain NUL characters", "body"))
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _reply(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
