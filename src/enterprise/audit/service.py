"""The audit log: security-relevant actions, written in their own transaction so that a
refused or failed request is recorded too."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from enterprise.audit.models import AuditEvent
from enterprise.database import bind_enterprise
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
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"
    WEBHOOK_CREATED = "webhook.created"
    WEBHOOK_CHANGED = "webhook.changed"
    WEBHOOK_DELETED = "webhook.deleted"
    CONNECTOR_CREATED = "connector.created"
    CONNECTOR_AUTHORIZED = "connector.authorized"
    CONNECTOR_CHANGED = "connector.changed"
    CONNECTOR_DELETED = "connector.deleted"
    CONNECTOR_SYNC_REQUESTED = "connector.sync_requested"


class Member(Protocol):
    """Who acted, as audit needs it: any signed-in user (audit does not import auth, which records here)."""

    @property
    def enterprise_id(self) -> uuid.UUID: ...

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def email(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    enterprise_id: uuid.UUID
    user_id: uuid.UUID | None
    email: str | None
    ip: str | None

    @classmethod
    def of(cls, user: Member, ip: str | None) -> Actor:
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
        bind_enterprise(session, actor.enterprise_id)
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
