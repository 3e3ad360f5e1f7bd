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


class _Spool:
    """A temporary file in `directory` written block by block: hashed, sized and its first bytes
    kept on the way; 413 once `max_bytes` is passed."""

    HEAD_BYTES = 8192

    def __init__(self, directory: Path, max_bytes: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=directory, suffix=".part")
        self.path = Path(name)
        self._out = os.fdopen(handle, "wb")
        self._max_bytes = max_bytes
        self._digest = hashlib.sha256()
        self._size = 0
        self._head = b""

    def write(self, block: bytes) -> None:
        self._size += len(block)
        if self._size > self._max_bytes:
            raise PayloadTooLargeError(
                f"the file is larger than the limit of {self._max_bytes} bytes", limit_bytes=self._max_bytes
            )
        if len(self._head) < self.HEAD_BYTES:
            self._head += block[: self.HEAD_BYTES - len(self._head)]
        self._digest.update(block)
        self._out.write(block)

    def finish(self) -> SpooledFile:
        self._out.close()
        return SpooledFile(path=self.path, size_bytes=self._size, sha256=self._digest.hexdigest(), head=self._head)

    def discard(self) -> None:
        self._out.close()
        self.path.unlink(missing_ok=True)


def spool_blocks(blocks: Iterable[bytes], directory: Path, max_bytes: int) -> SpooledFile:
    """Write `blocks` to a temporary file in `directory`; 413 once `max_bytes` is passed (the
    partial file is removed)."""
    spool = _Spool(directory, max_bytes)
    try:
        for block in blocks:
            spool.write(block)
    except BaseException:
        spool.discard()
        raise
    return spool.finish()


async def spool_upload(upload: UploadFile, directory: Path, max_bytes: int) -> SpooledFile:
    """Copy the upload to a temporary file in `directory`; 413 as soon as `max_bytes` is passed."""
    spool = _Spool(directory, max_bytes)
    try:
        while block := await upload.read(BLOCK_SIZE):
            spool.write(block)
    except BaseException:
        spool.discard()
        raise
    return spool.finish()
