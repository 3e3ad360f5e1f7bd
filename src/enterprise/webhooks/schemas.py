from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from enterprise.webhooks.models import DeliveryStatus


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000, description="https address that receives the POSTs")
    events: list[str] = Field(
        min_length=1, description="document.ready, document.failed, report.generated, sync.finished"
    )
    description: str = Field(default="", max_length=200)


class WebhookChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=1, max_length=2000)
    events: list[str] | None = None
    description: str | None = Field(default=None, max_length=200)
    is_active: bool | None = None
    rotate_secret: bool = Field(default=False, description="make a new signing secret, returned once")


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    events: list[str]
    description: str
    is_active: bool
    created_at: datetime
    updated_at: datetime


class WebhookWithSecret(WebhookOut):
    secret: str = Field(description="the signing secret, shown this once: keep it where the receiver can read it")


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="the message id the receiver sees in webhook-id, the same on every attempt")
    event: str
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    log: list[dict[str, Any]]
    payload: dict[str, Any]


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    total: int
    limit: int
    offset: int
