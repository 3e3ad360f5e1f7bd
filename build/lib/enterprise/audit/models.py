from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from enterprise.database import SCHEMA, EnterpriseBase, TenantOwned


class AuditEvent(TenantOwned, EnterpriseBase):
    """A security-relevant action in an enterprise: who, from where, on what."""

    __tablename__ = "audit_events"
    __label__ = "audit event"
    __table_args__ = (Index("ix_audit_enterprise_created", "enterprise_id", "created_at"),)

    action: Mapped[str] = mapped_column(String(60), index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.users.id", ondelete="SET NULL"), nullable=True
    )
    actor_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    target_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    target_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
