"""What every source offers the sync: its changes since a cursor, one file's bytes, and the
OAuth endpoints an admin's consent goes through. One module per source implements it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from enterprise.connectors.models import ConnectorKind
from shared.uploads import SpooledFile


class SourceError(Exception):
    """The source could not be read now (after retries): the run fails with this reason and the
    next one resumes from the last stored cursor."""


class SourceAnswerError(SourceError):
    """The source refused a request with a 4xx other than an expired token: its status and body."""

    def __init__(self, message: str, status: int, body: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


class CursorResetError(SourceError):
    """The source no longer knows the stored cursor: the connector must list everything again."""


class AuthorizationRevokedError(SourceError):
    """The source refuses the stored credentials and they cannot be refreshed: an admin must
    authorize the connector again."""


@dataclass(frozen=True)
class RemoteFile:
    external_id: str
    name: str
    path: str
    version: str
    size: int | None = None
    modified_at: datetime | None = None
    owner: str | None = None
    link: str | None = None
    # For a file the source only exports (a Google Doc): the format it is fetched in.
    export_format: str | None = None
    # What the source needs to fetch these bytes, when it is not the id (a Salesforce version).
    download_ref: str | None = None

    @property
    def file_name(self) -> str:
        """Its name with the extension of the format it arrives in."""
        if self.export_format and not self.name.lower().endswith(f".{self.export_format}"):
            return f"{self.name}.{self.export_format}"
        return self.name


@dataclass(frozen=True)
class Change:
    """A file that is (still) there, or, with `file` None, one that is gone: deleted, trashed,
    unshared, or moved out of the connector's scope."""

    external_id: str
    file: RemoteFile | None
    # A source that reports deletions by path (Dropbox) names what went; everything under it goes.
    removed_path: str | None = None


@dataclass
class ChangePage:
    changes: list[Change]
    cursor: dict[str, Any]
    # No more changes now: the cursor is where the next run starts.
    done: bool
    # The page ends a full listing: items it did not see are gone from the source.
    full_listing_done: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OAuthEndpoints:
    authorize_url: str
    token_url: str
    scope: str | None
    client_id: str
    client_secret: str | None
    # Parameters the source needs on the consent page (offline access, forced consent).
    extra: dict[str, str]


class Source(Protocol):
    kind: ConnectorKind

    def changes(self, cursor: dict[str, Any], scope: Sequence[str]) -> ChangePage:
        """The next page of changes after `cursor` (an empty cursor starts a full listing)."""

    def download(self, file: RemoteFile, directory: Path, max_bytes: int) -> SpooledFile:
        """The file's bytes spooled into `directory`; PayloadTooLargeError past `max_bytes`."""
