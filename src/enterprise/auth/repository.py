from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from enterprise.auth.models import ApiKey, Enterprise, Role, User
from enterprise.database import get_scoped, scoped
from shared.errors import NotFoundError


def enterprise_by_slug(session: Session, slug: str) -> Enterprise | None:
    return session.scalars(select(Enterprise).where(Enterprise.slug == slug)).one_or_none()


def enterprise_by_id(session: Session, enterprise_id: uuid.UUID) -> Enterprise | None:
    return session.get(Enterprise, enterprise_id)


def enterprise_of_login(session: Session, email: str) -> uuid.UUID | None:
    """The enterprise of an account, before any enterprise is bound: in PostgreSQL a function
    owned by the tables' owner answers this one question past row-level security."""
    if session.get_bind().dialect.name == "postgresql":
        found = session.scalar(text("SELECT enterprise.login_enterprise(:email)"), {"email": email.lower()})
    else:
        found = session.scalar(select(User.enterprise_id).where(User.email == email.lower()))
    return None if found is None else uuid.UUID(str(found))


def user_by_email(session: Session, email: str) -> User | None:
    # Login is the one read not scoped by enterprise: the caller has no enterprise yet.
    return session.scalars(select(User).where(User.email == email.lower())).one_or_none()


def user_in_enterprise(session: Session, enterprise_id: uuid.UUID, user_id: object) -> User:
    user = get_scoped(session, User, enterprise_id, user_id)
    if user.is_api_key:
        raise NotFoundError(f"user {user_id} not found")  # a key is managed as a key, not as a person
    return user


def users_of(session: Session, enterprise_id: uuid.UUID) -> Sequence[User]:
    people = scoped(User, enterprise_id).where(User.is_api_key.is_(False))
    return session.scalars(people.order_by(User.created_at, User.email)).all()


def enterprise_of_api_key(session: Session, key_hash: str) -> uuid.UUID | None:
    """The enterprise of a key, before any enterprise is bound (see `enterprise_of_login`)."""
    if session.get_bind().dialect.name == "postgresql":
        found = session.scalar(text("SELECT enterprise.api_key_enterprise(:hash)"), {"hash": key_hash})
    else:
        found = session.scalar(select(ApiKey.enterprise_id).where(ApiKey.key_hash == key_hash))
    return None if found is None else uuid.UUID(str(found))


def api_key_by_hash(session: Session, enterprise_id: uuid.UUID, key_hash: str) -> ApiKey | None:
    return session.scalars(scoped(ApiKey, enterprise_id).where(ApiKey.key_hash == key_hash)).one_or_none()


def api_keys_of(session: Session, enterprise_id: uuid.UUID) -> Sequence[ApiKey]:
    return session.scalars(scoped(ApiKey, enterprise_id).order_by(ApiKey.created_at.desc())).all()


def api_key(session: Session, enterprise_id: uuid.UUID, key_id: object) -> ApiKey:
    return get_scoped(session, ApiKey, enterprise_id, key_id)


def active_admin_count(session: Session, enterprise_id: uuid.UUID) -> int:
    query = (
        select(func.count())
        .select_from(User)
        .where(
            User.enterprise_id == enterprise_id,
            User.role == Role.ADMIN,
            User.is_active.is_(True),
            User.is_api_key.is_(False),
        )
    )
    return int(session.scalar(query) or 0)
