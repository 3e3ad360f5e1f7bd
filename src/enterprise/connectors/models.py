from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from enterprise.database import SCHEMA, EnterpriseBase, TenantOwned, string_enum
from shared.database import UTCDateTime
from shared.secrets import EncryptedText


class ConnectorKind(enum.StrEnum):
    GOOGLE_DRIVE = "google_drive"
    DROPBOX = "dropbox"
    SALESFORCE = "salesforce"


class ConnectorStatus(enum.StrEnum):
    # Made, or its access was revoked: an admin must (again) grant access at the source.
    NEEDS_AUTHORIZATION = "needs_authorization"
    ACTIVE = "active"
    PAUSED = "paused"


class RunTrigger(enum.StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"
    AUTHORIZED = "authorized"


class RunStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ItemStatus(enum.StrEnum):
    SYNCED = "synced"
    # Seen and deliberately not ingested: a type the service does not read.
    SKIPPED = "skipped"
    FAILED = "failed"


class Connector(TenantOwned, EnterpriseBase):
    """A source an enterprise syncs documents from, with its credentials (encrypted) and the
    point it has reached in the source's change feed."""

    __tablename__ = "connectors"
    __label__ = "connector"

    kind: Mapped[ConnectorKind] = mapped_column(string_enum(ConnectorKind, "connector_kind"))
    name: Mapped[str] = mapped_column(String(100))
    status: Mapped[ConnectorStatus] = mapped_column(string_enum(ConnectorStatus, "connector_status"))
    # What to sync: Drive folder ids, Dropbox paths, Salesforce library ids; empty means all.
    scope: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Minutes between scheduled syncs; None means the service's CONNECTOR_SYNC_MINUTES.
    sync_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    access_token: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    refresh_token: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # What the source said about the account at authorization (Salesforce's instance URL).
    account: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The source's position (page token, cursors, timestamp), moved only once the items before
    # it are stored: a run that dies resumes from here without losing or repeating a file.
    cursor: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    next_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.users.id", ondelete="SET NULL"), nullable=True
    )


class ConnectorAuthorization(TenantOwned, EnterpriseBase):
    """An OAuth consent under way: the state sent to the source (kept hashed) and the PKCE
    verifier, used once and only within a few minutes."""

    __tablename__ = "connector_authorizations"
    __table_args__ = (UniqueConstraint("state_hash"),)

    connector_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(f"{SCHEMA}.connectors.id", ondelete="CASCADE"))
    state_hash: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(EncryptedText)
    redirect_uri: Mapped[str] = mapped_column(String(2000))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.users.id", ondelete="SET NULL"), nullable=True
    )


class ConnectorItem(TenantOwned, EnterpriseBase):
    """One file at the source as the connector last stored it, and the document it became."""

    __tablename__ = "connector_items"
    __table_args__ = (
        UniqueConstraint("connector_id", "external_id"),
        Index("ix_connector_items_document", "document_id"),
    )

    connector_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(f"{SCHEMA}.connectors.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(500))
    path: Mapped[str] = mapped_column(String(2000), default="")
    # The source's content version (checksum or revision): unchanged means nothing to fetch.
    version: Mapped[str] = mapped_column(String(200), default="")
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    owner: Mapped[str | None] = mapped_column(String(300), nullable=True)
    link: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    document_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.documents.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[ItemStatus] = mapped_column(string_enum(ItemStatus, "connector_item_status"))
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The full listing that last saw it: after a full listing, items it did not see are gone.
    generation: Mapped[int] = mapped_column(Integer, default=0)


class ConnectorRun(TenantOwned, EnterpriseBase):
    __tablename__ = "connector_runs"
    __label__ = "connector run"
    __table_args__ = (Index("ix_connector_runs_connector_created", "connector_id", "created_at"),)

    connector_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(f"{SCHEMA}.connectors.id", ondelete="CASCADE"))
    trigger: Mapped[RunTrigger] = mapped_column(string_enum(RunTrigger, "connector_run_trigger"))
    status: Mapped[RunStatus] = mapped_column(string_enum(RunStatus, "connector_run_status"), index=True)
    full: Mapped[bool] = mapped_column(default=False)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    items_added: Mapped[int] = mapped_column(Integer, default=0)
    items_updated: Mapped[int] = mapped_column(Integer, default=0)
    items_removed: Mapped[int] = mapped_column(Integer, default=0)
    items_skipped: Mapped[int] = mapped_column(Integer, default=0)
    items_failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
