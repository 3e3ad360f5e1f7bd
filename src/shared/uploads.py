"""Uploaded files copied to disk in blocks, hashed and size-checked on the way."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from starlette.datastructures import UploadFile

from shared.errors import InvalidInputError, PayloadTooLargeError

BLOCK_SIZE = 1 << 20
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^\w.\- ()]+", re.UNICODE)


@dataclass(frozen=True)
class SpooledFile:
    path: Path
    size_bytes: int
    sha256: str
    head: bytes


def safe_filename(raw: str | None) -> str:
    """The file's own name without any directory part, control characters or odd symbols."""
    if not raw:
        raise InvalidInputError("the upload has no file name")
    # Clients may percent-encode the name (RFC 7578); decode before judging it.
    name = re.split(r"[\\/]", unquote(raw))[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_NAME_CHARACTERS.sub("_", name).strip(" .")
    if not name or name.strip("_") == "":
        raise InvalidInputError("the upload's file name has no usable characters")
    return name[:200]


def spool_blocks(blocks: Iterable[bytes], directory: Path, max_bytes: int) -> SpooledFile:
    """Write `blocks` to a temporary file in `directory`, hashing as they pass; 413 once
    `max_bytes` is passed (the partial file is removed)."""
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    handle, name = tempfile.mkstemp(dir=directory, suffix=".part")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            for block in blocks:
                size += len(block)
                if size > max_bytes:
                    raise PayloadTooLargeError(
                        f"the file is larger than the limit of {max_bytes} bytes", limit_bytes=max_bytes
                    )
                if len(head) < 8192:
                    head += block[: 8192 - len(head)]
                digest.update(block)
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return SpooledFile(path=path, size_bytes=size, sha256=digest.hexdigest(), head=head)


async def spool_upload(upload: UploadFile, directory: Path, max_bytes: int) -> SpooledFile:
    """Copy the upload to a temporary file in `directory`; 413 as soon as `max_bytes` is passed."""
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    handle, name = tempfile.mkstemp(dir=directory, suffix=".part")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            while block := await upload.read(BLOCK_SIZE):
                size += len(block)
                if size > max_bytes:
                    raise PayloadTooLargeError(
                        f"the file is larger than the limit of {max_bytes} bytes", limit_bytes=max_bytes
                    )
                if len(head) < 8192:
                    head += block[: 8192 - len(head)]
                digest.update(block)
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return SpooledFile(path=path, size_bytes=size, sha256=digest.hexdigest(), head=head)
