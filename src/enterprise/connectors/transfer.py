"""A download written to disk as it arrives, hashed on the way, refused past the size limit."""

from __future__ import annotations

from pathlib import Path

import httpx

from shared.uploads import SpooledFile, spool_blocks

BLOCK = 1 << 20


def save_stream(response: httpx.Response, directory: Path, max_bytes: int) -> SpooledFile:
    """PayloadTooLargeError once the file passes `max_bytes` (nothing is left on disk)."""
    return spool_blocks(response.iter_bytes(BLOCK), directory, max_bytes)
