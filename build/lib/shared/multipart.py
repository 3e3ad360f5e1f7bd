"""A multipart/form-data body read straight from the socket to disk.

Starlette's form parser reads the whole body before the endpoint runs, so an oversized upload
would be received in full before being refused. Here the size limit is checked as the bytes
arrive, the file part goes to disk in blocks (hashed on the way), and the small text fields
are kept in memory with their own limit.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from shared.errors import InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError
from shared.uploads import SpooledFile

MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 32
HEAD_BYTES = 8192


class _FileTooLargeError(Exception):
    pass


@dataclass
class MultipartUpload:
    file: SpooledFile | None = None
    filename: str | None = None
    content_type: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


class _Receiver:
    """python-multipart's callbacks, collecting one file part to disk and small fields in memory."""

    def __init__(self, out: BinaryIO, max_file_bytes: int, file_field: str) -> None:
        self.out = out
        self.max_file_bytes = max_file_bytes
        self.file_field = file_field
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.header_field = b""
        self.header_value = b""
        self.part = _Part()
        self.result = MultipartUpload()

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
        }

    def _in_file(self) -> bool:
        return self.part.name == self.file_field and self.part.filename is not None

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers[self.header_field.lower()] = self.header_value
        self.header_field = self.header_value = b""

    def on_headers_finished(self) -> None:
        _, disposition = parse_options_header(self.part.headers.get(b"content-disposition", b""))
        self.part.name = disposition.get(b"name", b"").decode("utf-8", "replace")
        raw_filename = disposition.get(b"filename")
        self.part.filename = raw_filename.decode("utf-8", "replace") if raw_filename is not None else None
        if not self._in_file():
            return
        if self.result.filename is not None:
            raise InvalidInputError("send exactly one file per upload")
        self.result.filename = self.part.filename
        self.result.content_type = self.part.headers.get(b"content-type", b"").decode("latin-1") or None

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        block = data[start:end]
        if self._in_file():
            self.size += len(block)
            if self.size > self.max_file_bytes:
                raise _FileTooLargeError
            if len(self.head) < HEAD_BYTES:
                self.head += block[: HEAD_BYTES - len(self.head)]
            self.digest.update(block)
            self.out.write(block)
            return
        if len(self.part.data) + len(block) > MAX_FIELD_BYTES:
            raise InvalidInputError(f"form field {self.part.name!r} is longer than {MAX_FIELD_BYTES} bytes")
        self.part.data.extend(block)

    def on_part_end(self) -> None:
        if not self.part.name or self._in_file():
            return
        if len(self.result.fields) >= MAX_FIELDS:
            raise InvalidInputError(f"too many form fields (limit {MAX_FIELDS})")
        self.result.fields[self.part.name] = self.part.data.decode("utf-8", "replace")


def _too_large(max_file_bytes: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"the file is larger than the limit of {max_file_bytes} bytes", limit_bytes=max_file_bytes
    )


async def receive_multipart(
    request: Request, directory: Path, max_file_bytes: int, file_field: str = "file"
) -> MultipartUpload:
    """The form's file (spooled to `directory`) and text fields; 413 the moment the file passes the limit."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise UnsupportedMediaTypeError(f"send the file as multipart/form-data in a {file_field!r} field")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_file_bytes + MAX_FIELDS * MAX_FIELD_BYTES:
        raise _too_large(max_file_bytes)
    directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=directory, suffix=".part")
    spool_path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            receiver = _Receiver(out, max_file_bytes, file_field)
            parser = MultipartParser(params[b"boundary"], callbacks=receiver.callbacks())  # type: ignore[arg-type]
            async for chunk in request.stream():
                parser.write(chunk)
            parser.finalize()
    except _FileTooLargeError:
        spool_path.unlink(missing_ok=True)
        raise _too_large(max_file_bytes) from None
    except BaseException:
        spool_path.unlink(missing_ok=True)
        raise
    result = receiver.result
    if result.filename is None:
        spool_path.unlink(missing_ok=True)
        raise InvalidInputError(f"the form has no file in field {file_field!r}", field=f"body.{file_field}")
    result.file = SpooledFile(spool_path, receiver.size, receiver.digest.hexdigest(), receiver.head)
    return result
