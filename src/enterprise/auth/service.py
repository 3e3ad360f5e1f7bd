"""Enterprises, their users and the tokens they sign in with."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from enterprise.audit import service as audit
from enterprise.audit.service import Action, Actor
from enterprise.auth import repository
from enterprise.auth.models import Enterprise, Role, User
from enterprise.database import bind_enterprise
from shared.errors import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    TooManyAttemptsError,
)
from shared.rate_limit import LoginThrottle
from shared.security import InvalidTokenError, TokenCodec, hash_password, verify_and_rehash

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
INVITE_PURPOSE = "invite"
ACCESS_PURPOSE = "access"


@dataclass(frozen=True)
class TokenPolicy:
    codec: TokenCodec
    access_lifetime: timedelta
    invite_lifetime: timedelta


def create_enterprise(
    session: Session,
    *,
    slug: str,
    name: str,
    admin_email: str,
    admin_password: str,
    max_documents: int,
) -> tuple[Enterprise, User]:
    if not SLUG_PATTERN.match(slug):
        raise InvalidInputError(
            f"enterprise slug {slug!r} must be lowercase letters, digits and hyphens (1-63 characters)"
        )
    if len(admin_password) < 10:
        raise InvalidInputError("admin password must be at least 10 characters")
    if repository.enterprise_by_slug(session, slug) is not None:
        raise ConflictError(f"enterprise {slug!r} already exists")
    _require_free_email(session, admin_email)
    enterprise = Enterprise(slug=slug, name=name or slug, max_documents=max_documents)
    session.add(enterprise)
    session.flush()
    admin = User(
        enterprise_id=enterprise.id,
        email=admin_email.lower(),
        password_hash=hash_password(admin_password),
        role=Role.ADMIN,
    )
    session.add(admin)
    session.flush()
    return enterprise, admin


def _require_free_email(session: Session, email: str) -> None:
    if repository.user_by_email(session, email) is not None:
        raise ConflictError(f"a user with email {email.lower()} already exists")


def authenticate(session: Session, email: str, password: str) -> User:
    user = repository.user_by_email(session, email)
    matches, rehashed = verify_and_rehash(password, user.password_hash if user else None)
    if not matches or user is None:
        raise AuthenticationError("incorrect email or password")
    if not user.is_active:
        raise AuthenticationError("this account is disabled")
    enterprise = repository.enterprise_by_id(session, user.enterprise_id)
    if enterprise is None or not enterprise.is_active:
        raise AuthenticationError("this enterprise is disabled")
    if rehashed is not None:  # PASSWORD_HASH_* changed since this password was stored
        user.password_hash = rehashed
    user.last_login_at = datetime.now(UTC)
    return user


def sign_in(
    session: Session,
    audit_sessions: sessionmaker[Session],
    throttle: LoginThrottle,
    email: str,
    password: str,
    ip: str | None,
) -> User:
    """`authenticate`, slowed after repeated failures per account and per address, and audited."""
    account = email.strip().lower()
    enterprise_id = repository.enterprise_of_login(session, account)
    if enterprise_id is not None:
        bind_enterprise(session, enterprise_id)
    known = repository.user_by_email(session, account)
    wait = throttle.retry_after(account, ip)
    if wait:
        if known is not None:
            audit.record(
                audit_sessions, Actor.of(known, ip), Action.LOGIN_THROTTLED, "user", known.id, retry_after_seconds=wait
            )
        raise TooManyAttemptsError(
            f"too many failed sign-ins for this account or address; try again in {wait} seconds",
            retry_after_seconds=wait,
        )
    try:
        user = authenticate(session, account, password)
    except AuthenticationError as exc:
        throttle.failed(account, ip)
        if known is not None:
            audit.record(audit_sessions, Actor.of(known, ip), Action.LOGIN_FAILED, "user", known.id, reason=exc.detail)
        raise
    audit.record(audit_sessions, Actor.of(user, ip), Action.LOGIN_SUCCEEDED, "user", user.id)
    return user


def issue_access_token(policy: TokenPolicy, user: User) -> str:
    claims = {"ent": str(user.enterprise_id), "role": user.role.value, "tv": user.token_version, "pur": ACCESS_PURPOSE}
    return policy.codec.encode(str(user.id), policy.access_lifetime, claims)


def user_from_token(session: Session, policy: TokenPolicy, token: str) -> User:
    try:
        claims = policy.codec.decode(token)
        if claims.get("pur") != ACCESS_PURPOSE:
            raise InvalidTokenError("not an access token")
        user_id = uuid.UUID(str(claims["sub"]))
        enterprise_id = uuid.UUID(str(claims["ent"]))
    except (InvalidTokenError, KeyError, ValueError) as exc:
        raise AuthenticationError("invalid or expired token") from exc
    bind_enterprise(session, enterprise_id)
    user = session.get(User, user_id)
    if user is None or user.enterprise_id != enterprise_id or user.token_version != claims.get("tv"):
        raise AuthenticationError("invalid or expired token")
    if not user.is_active:
        raise AuthenticationError("this account is disabled")
    enterprise = repository.enterprise_by_id(session, enterprise_id)
    if enterprise is None or not enterprise.is_active:
        raise AuthenticationError("this enterprise is disabled")
    return user


def create_user(
    session: Session,
    policy: TokenPolicy,
    actor: User,
    *,
    email: str,
    role: Role,
    full_name: str,
    password: str | None,
) -> tuple[User, str | None]:
    """Create a user directly (with a password) or as an invitation (returns its token)."""
    _require_free_email(session, email)
    user = User(
        enterprise_id=actor.enterprise_id,
        email=email.lower(),
        full_name=full_name,
        role=role,
        password_hash=hash_password(password) if password else None,
        invited_by_id=actor.id,
    )
    session.add(user)
    session.flush()
    if password:
        return user, None
    invite = policy.codec.encode(
        str(user.id),
        policy.invite_lifetime,
        {"ent": str(user.enterprise_id), "pur": INVITE_PURPOSE, "tv": user.token_version},
    )
    return user, invite


def accept_invite(session: Session, policy: TokenPolicy, token: str, password: str) -> User:
    try:
        claims = policy.codec.decode(token)
        if claims.get("pur") != INVITE_PURPOSE:
            raise InvalidTokenError("not an invitation")
        user_id = uuid.UUID(str(claims["sub"]))
        enterprise_id = uuid.UUID(str(claims["ent"]))
    except (InvalidTokenError, KeyError, ValueError) as exc:
        raise AuthenticationError("invalid or expired invitation") from exc
    bind_enterprise(session, enterprise_id)
    user = session.get(User, user_id)
    if user is None or user.password_hash is not None or user.token_version != claims.get("tv"):
        raise AuthenticationError("invalid or expired invitation")
    if not user.is_active:
        raise AuthenticationError("this account is disabled")
    user.password_hash = hash_password(password)
    user.token_version += 1
    return user


def update_user(
    session: Session,
    actor: User,
    user_id: object,
    *,
    role: Role | None,
    is_active: bool | None,
    full_name: str | None,
) -> User:
    user = repository.user_in_enterprise(session, actor.enterprise_id, user_id)
    loses_admin = user.role == Role.ADMIN and ((role is not None and role != Role.ADMIN) or is_active is False)
    if loses_admin and user.is_active and repository.active_admin_count(session, actor.enterprise_id) <= 1:
        raise ConflictError("an enterprise must keep at least one active admin")
    if user.id == actor.id and is_active is False:
        raise PermissionDeniedError("you cannot disable your own account")
    if full_name is not None:
        user.full_name = full_name
    access_changed = False
    if role is not None and role != user.role:
        user.role = role
        access_changed = True
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        access_changed = True
    if access_changed:
        user.token_version += 1
    return user


def require_role(user: User, minimum: Role) -> None:
    if not user.role.at_least(minimum):
        raise PermissionDeniedError(f"this action needs the {minimum.value} role or higher; you are {user.role.value}")


def set_token_quota(session: Session, slug: str, monthly_tokens: int) -> Enterprise:
    """The operator's setting of how many language-model tokens an enterprise may use a month."""
    if monthly_tokens < 0:
        raise InvalidInputError("the monthly token quota is a whole number of tokens, 0 or more")
    enterprise = repository.enterprise_by_slug(session, slug)
    if enterprise is None:
        raise NotFoundError(f"enterprise {slug!r} not found")
    enterprise.monthly_token_quota = monthly_tokens
    return enterprise
