"""The audit log: security-relevant actions, written in their own transaction so that a
refused or failed request is recorded too."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from enterprise.audit.models import AuditEvent
from enterprise.auth.models import User
from enterprise.database import scoped
from shared.database import session_scope


class Action:
    LOGIN_SUCCEEDED = "login.succeeded"
    LOGIN_FAILED = "login.failed"
    LOGIN_THROTTLED = "login.throttled"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    ROLE_CHANGED = "user.role_changed"
    USER_DISABLED = "user.disabled"
    DOCUMENT_UPLOADED = "document.uploaded"
    DOCUMENT_DELETED = "document.deleted"
    EXPORTED = "data.exported"


@dataclass(frozen=True)
class Actor:
    enterprise_id: uuid.UUID
    user_id: uuid.UUID | None
    email: str | None
    ip: str | None

    @classmethod
    def of(cls, user: User, ip: str | None) -> Actor:
        return cls(user.enterprise_id, user.id, user.email, ip)


def record(
    factory: sessionmaker[Session],
    actor: Actor,
    action: str,
    target_type: str | None = None,
    target_id: object = None,
    **detail: Any,
) -> None:
    with session_scope(factory) as session:
        session.add(
            AuditEvent(
                enterprise_id=actor.enterprise_id,
                action=action,
                actor_id=actor.user_id,
                actor_email=actor.email,
                ip=actor.ip,
                target_type=target_type,
                target_id=None if target_id is None else str(target_id),
                detail=detail,
            )
        )


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
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id).limit(limit).offset(offset)
    ).all()
    return rows, total
