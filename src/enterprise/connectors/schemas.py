from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from enterprise.connectors.models import ConnectorKind, ConnectorStatus, ItemStatus, RunStatus, RunTrigger


class ConnectorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ConnectorKind
    name: str = Field(min_length=1, max_length=100)
    scope: list[str] = Field(
        default_factory=list,
        description="Drive folder ids, Dropbox paths (/Finance) or Salesforce library ids (058…); empty: everything",
    )
    sync_minutes: int | None = Field(default=None, ge=5, le=10_080, description="between scheduled syncs")


class ConnectorChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    scope: list[str] | None = Field(
        default=None, description="a new scope starts a full listing; what left it is removed"
    )
    sync_minutes: int | None = Field(default=None, ge=5, le=10_080)
    reset_sync_minutes: bool = False
    paused: bool | None = None


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    trigger: RunTrigger
    status: RunStatus
    full: bool
    items_seen: int
    items_added: int
    items_updated: int
    items_removed: int
    items_skipped: int
    items_failed: int
    error: str | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None


class ConnectorOut(BaseModel):
    id: uuid.UUID
    kind: ConnectorKind
    name: str
    status: ConnectorStatus
    scope: list[str]
    sync_minutes: int = Field(description="minutes between scheduled syncs (its own, or the service's)")
    next_sync_at: datetime | None
    last_error: str | None
    last_run: RunOut | None
    created_at: datetime


class ConnectorCreated(ConnectorOut):
    authorization_url: str = Field(description="send the admin here to grant access at the source")


class AuthorizationOut(BaseModel):
    authorization_url: str


class ConnectorDeleted(BaseModel):
    documents_removed: int


class RunPage(BaseModel):
    items: list[RunOut]
    total: int
    limit: int
    offset: int


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    external_id: str
    name: str
    path: str
    status: ItemStatus
    error: str | None
    document_id: uuid.UUID | None
    modified_at: datetime | None
    owner: str | None
    link: str | None


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    limit: int
    offset: int
