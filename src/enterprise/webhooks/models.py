from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from enterprise.database import SCHEMA, EnterpriseBase, TenantOwned, string_enum
from shared.database import UTCDateTime
from shared.secrets import EncryptedText


class WebhookEvent(enum.StrEnum):
    DOCUMENT_READY = "document.ready"
    DOCUMENT_FAILED = "document.failed"
    REPORT_GENERATED = "report.generated"
    SYNC_FINISHED = "sync.finished"
    # Sent only when an admin asks for a test delivery, whatever the endpoint listens to.
    PING = "ping"


SUBSCRIBABLE_EVENTS = tuple(e for e in WebhookEvent if e != WebhookEvent.PING)


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookEndpoint(TenantOwned, EnterpriseBase):
    """Where an enterprise's systems listen; each event it subscribes to is POSTed there, signed."""

    __tablename__ = "webhook_endpoints"
    __label__ = "webhook"

    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The signing secret ("whsec_" + base64): the receiver holds it too, so it is kept readable,
    # encrypted at rest.
    secret: Mapped[str] = mapped_column(EncryptedText)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.users.id", ondelete="SET NULL"), nullable=True
    )


class WebhookDelivery(TenantOwned, EnterpriseBase):
    """One event for one endpoint, written in the transaction of the change it reports (so an
    event is never lost nor sent for a change that rolled back), then sent until it is accepted
    or its attempts run out. Its id is the message id the receiver sees on every attempt."""

    __tablename__ = "webhook_deliveries"
    __label__ = "webhook delivery"
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),
    )

    endpoint_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.webhook_endpoints.id", ondelete="CASCADE")
    )
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = mapped_column(string_enum(DeliveryStatus, "webhook_delivery_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A worker sending it holds it until then, so two workers never send one message at once.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Each attempt: when, the status code or the error, how long it took.
    log: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
