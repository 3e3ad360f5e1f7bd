"""The originals of uploaded files, content-addressed by sha256 inside each enterprise's space:
a local directory (the embedded default) or any S3-compatible store (`STORAGE_URL=s3://bucket/prefix`),
so that API and worker processes on different machines read the same files.

Both stream: a file goes up from the spooled upload on disk and comes down in blocks, never
whole in memory. What comes down from S3 is checked against its sha256 (the object's name)
before it is used."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from shared.errors import ConflictError
from shared.settings import Settings

BLOCK = 1 << 20


class OriginalMissingError(ConflictError):
    def __init__(self) -> None:
        super().__init__("the original file of this document is missing from storage; upload it again")


class OriginalCorruptedError(ConflictError):
    def __init__(self, sha256: str) -> None:
        super().__init__(f"the stored original does not match its checksum (sha256 {sha256[:12]}…); upload it again")


def _check_digest(sha256: str) -> str:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 digest")
    return sha256


def _relative(enterprise_id: uuid.UUID, sha256: str) -> str:
    return f"{enterprise_id.hex}/{sha256[:2]}/{_check_digest(sha256)}"


class OriginalStore(Protocol):
    def put(self, enterprise_id: uuid.UUID, sha256: str, spooled: Path) -> None:
        """Keep a spooled upload (moved or uploaded, then gone); the same bytes already stored stay as they are."""

    def exists(self, enterprise_id: uuid.UUID, sha256: str) -> bool: ...

    def delete(self, enterprise_id: uuid.UUID, sha256: str) -> None: ...

    def local_copy(self, enterprise_id: uuid.UUID, sha256: str) -> Any:
        """A context manager giving a readable local file with the original's bytes."""

    def stream(self, enterprise_id: uuid.UUID, sha256: str) -> Iterator[bytes]:
        """The original's bytes in blocks (OriginalMissingError before the first if it is gone)."""

    def local_file(self, enterprise_id: uuid.UUID, sha256: str) -> Path | None:
        """The original's own file when it lives on this machine's disk, else None."""

    def derived_dir(self, enterprise_id: uuid.UUID, sha256: str) -> Path:
        """Where files made from an original (its rendered pages) are cached on this machine."""


class LocalOriginalStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, enterprise_id: uuid.UUID, sha256: str) -> Path:
        return self.root / _relative(enterprise_id, sha256)

    def put(self, enterprise_id: uuid.UUID, sha256: str, spooled: Path) -> None:
        target = self.path_for(enterprise_id, sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            spooled.unlink(missing_ok=True)
            return
        os.replace(spooled, target)

    def exists(self, enterprise_id: uuid.UUID, sha256: str) -> bool:
        return self.path_for(enterprise_id, sha256).exists()

    def delete(self, enterprise_id: uuid.UUID, sha256: str) -> None:
        self.path_for(enterprise_id, sha256).unlink(missing_ok=True)
        shutil.rmtree(self.derived_dir(enterprise_id, sha256), ignore_errors=True)

    @contextmanager
    def local_copy(self, enterprise_id: uuid.UUID, sha256: str) -> Iterator[Path]:
        path = self.path_for(enterprise_id, sha256)
        if not path.is_file():
            raise OriginalMissingError()
        yield path

    def stream(self, enterprise_id: uuid.UUID, sha256: str) -> Iterator[bytes]:
        path = self.path_for(enterprise_id, sha256)
        if not path.is_file():
            raise OriginalMissingError()
        return _blocks_of(path)

    def local_file(self, enterprise_id: uuid.UUID, sha256: str) -> Path | None:
        path = self.path_for(enterprise_id, sha256)
        return path if path.is_file() else None

    def derived_dir(self, enterprise_id: uuid.UUID, sha256: str) -> Path:
        return self.path_for(enterprise_id, sha256).parent / f"{sha256}.derived"


def _blocks_of(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            yield block


class S3OriginalStore:
    """Objects `<prefix><enterprise>/<sha[:2]>/<sha256>` in one bucket, through boto3 (multipart
    uploads from disk, ranged streaming downloads)."""

    def __init__(self, client: Any, bucket: str, prefix: str, work_dir: Path) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        # Downloads in progress and this machine's cache of rendered pages.
        self.work_dir = work_dir

    def key(self, enterprise_id: uuid.UUID, sha256: str) -> str:
        return f"{self.prefix}{_relative(enterprise_id, sha256)}"

    def put(self, enterprise_id: uuid.UUID, sha256: str, spooled: Path) -> None:
        try:
            if not self.exists(enterprise_id, sha256):
                self.client.upload_file(
                    str(spooled),
                    self.bucket,
                    self.key(enterprise_id, sha256),
                    ExtraArgs={"Metadata": {"sha256": sha256}},
                )
        finally:
            spooled.unlink(missing_ok=True)

    def exists(self, enterprise_id: uuid.UUID, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(enterprise_id, sha256))
        except ClientError as error:
            if _not_found(error):
                return False
            raise
        return True

    def delete(self, enterprise_id: uuid.UUID, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(enterprise_id, sha256))
        shutil.rmtree(self.derived_dir(enterprise_id, sha256), ignore_errors=True)

    @contextmanager
    def local_copy(self, enterprise_id: uuid.UUID, sha256: str) -> Iterator[Path]:
        downloads = self.work_dir / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=downloads, suffix=".part")
        path = Path(name)
        try:
            digest = hashlib.sha256()
            with os.fdopen(handle, "wb") as out:
                for block in self._body(enterprise_id, sha256):
                    digest.update(block)
                    out.write(block)
            if digest.hexdigest() != sha256:
                raise OriginalCorruptedError(sha256)
            yield path
        finally:
            path.unlink(missing_ok=True)

    def stream(self, enterprise_id: uuid.UUID, sha256: str) -> Iterator[bytes]:
        body = self._body(enterprise_id, sha256)  # a missing object is refused before anything is sent
        first = next(body, b"")
        return self._checked(sha256, first, body)

    @staticmethod
    def _checked(sha256: str, first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
        digest = hashlib.sha256(first)
        yield first
        for block in rest:
            digest.update(block)
            yield block
        if digest.hexdigest() != sha256:
            # Sent already: end the response with an error, so the client sees it broken, not whole.
            raise OriginalCorruptedError(sha256)

    def _body(self, enterprise_id: uuid.UUID, sha256: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key(enterprise_id, sha256))
        except ClientError as error:
            if _not_found(error):
                raise OriginalMissingError() from error
            raise
        return iter(answer["Body"].iter_chunks(BLOCK))

    def local_file(self, enterprise_id: uuid.UUID, sha256: str) -> Path | None:
        return None

    def derived_dir(self, enterprise_id: uuid.UUID, sha256: str) -> Path:
        return self.work_dir / "derived" / f"{_relative(enterprise_id, sha256)}.derived"


def _not_found(error: Any) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in {"404", "NoSuchKey", "NotFound"}


def original_store(settings: Settings) -> OriginalStore:
    """The store STORAGE_URL names: unset, a local directory under DATA_DIR; s3://bucket/prefix, S3."""
    if not settings.storage_url:
        return LocalOriginalStore(settings.data_dir / "originals")
    parts = urlsplit(settings.storage_url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("STORAGE_URL must be s3://bucket/prefix (or unset for the local directory)")
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=settings.s3_secret_access_key,
        config=Config(retries={"max_attempts": 5, "mode": "standard"}, max_pool_connections=20),
    )
    return S3OriginalStore(client, parts.netloc, parts.path, settings.data_dir / "object-store")
