"""API keys for machine clients (an ERP, a nightly script): made by admins with a role and an
optional expiry, shown once, kept hashed, revocable, their last use recorded, and accepted
wherever a bearer token is."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from enterprise.auth import repository
from enterprise.auth.models import ApiKey, Role, User
from enterprise.database import bind_enterprise
from shared.errors import AuthenticationError, InvalidInputError

# "eab_" + 8 characters shown in listings + the secret: 43 URL-safe characters, 256 bits.
KEY_PREFIX = "eab_"
SHOWN_LENGTH = 8
# Writing the last use on every request would make each call a write: once a minute is enough.
LAST_USE_PRECISION = timedelta(minutes=1)


def is_api_key(token: str) -> bool:
    return token.startswith(KEY_PREFIX)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    session: Session, admin: User, name: str, role: Role, expires_at: datetime | None, now: datetime | None = None
) -> tuple[ApiKey, str]:
    """The key and its secret, which is returned this once and never stored."""
    now = now or datetime.now(UTC)
    if expires_at is not None and expires_at <= now:
        raise InvalidInputError("expires_at must be in the future", field="body.expires_at")
    secret = secrets.token_urlsafe(32)
    key = f"{KEY_PREFIX}{secret}"
    shown = key[: len(KEY_PREFIX) + SHOWN_LENGTH]
    member = User(
        enterprise_id=admin.enterprise_id,
        email=f"api-key-{uuid.uuid4().hex[:12]}@api-keys.invalid",
        full_name=f"API key: {name}",
        password_hash=None,
        role=role,
        is_api_key=True,
    )
    session.add(member)
    session.flush()
    api_key = ApiKey(
        enterprise_id=admin.enterprise_id,
        name=name,
        prefix=shown,
        key_hash=_hash(key),
        user_id=member.id,
        created_by_id=admin.id,
        expires_at=expires_at,
    )
    session.add(api_key)
    session.flush()
    return api_key, key


def revoke_api_key(session: Session, admin: User, key_id: object, now: datetime | None = None) -> ApiKey:
    api_key = repository.api_key(session, admin.enterprise_id, key_id)
    if api_key.revoked_at is None:
        api_key.revoked_at = now or datetime.now(UTC)
        member = session.get(User, api_key.user_id)
        if member is not None:
            member.is_active = False
            member.token_version += 1
    return api_key


def list_api_keys(session: Session, admin: User) -> Sequence[ApiKey]:
    return repository.api_keys_of(session, admin.enterprise_id)


def role_of(session: Session, api_key: ApiKey) -> Role:
    member = session.get(User, api_key.user_id)
    return member.role if member is not None else Role.VIEWER


def user_from_api_key(session: Session, key: str, now: datetime | None = None) -> User:
    """The member a key acts as; 401 for an unknown, revoked or expired key."""
    now = now or datetime.now(UTC)
    key_hash = _hash(key)
    enterprise_id = repository.enterprise_of_api_key(session, key_hash)
    if enterprise_id is None:
        raise AuthenticationError("invalid API key")
    bind_enterprise(session, enterprise_id)
    api_key = repository.api_key_by_hash(session, enterprise_id, key_hash)
    if api_key is None:
        raise AuthenticationError("invalid API key")
    if api_key.revoked_at is not None:
        raise AuthenticationError("this API key was revoked")
    if api_key.expires_at is not None and api_key.expires_at <= now:
        raise AuthenticationError("this API key has expired")
    member = session.get(User, api_key.user_id)
    enterprise = repository.enterprise_by_id(session, enterprise_id)
    if member is None or not member.is_active or enterprise is None or not enterprise.is_active:
        raise AuthenticationError("this API key is disabled")
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USE_PRECISION:
        api_key.last_used_at = now
    return member
