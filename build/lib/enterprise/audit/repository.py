"""All SQL of the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from enterprise.audit.models import AuditEvent
from enterprise.database import paginate, scoped


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    actor_id: uuid.UUID | None = None
    after: datetime | None = None
    before: datetime | None = None


def events(
    session: Session, enterprise_id: uuid.UUID, filters: AuditFilters, limit: int, offset: int
) -> tuple[Sequence[AuditEvent], int]:
    query = scoped(AuditEvent, enterprise_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.after is not None:
        query = query.where(AuditEvent.created_at >= filters.after)
    if filters.before is not None:
        query = query.where(AuditEvent.created_at < filters.before)
    return paginate(session, query, [AuditEvent.created_at.desc(), AuditEvent.id], limit, offset)
