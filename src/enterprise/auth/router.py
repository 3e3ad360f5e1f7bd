from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

from enterprise.audit import service as audit
from enterprise.audit.service import Action, Actor
from enterprise.auth import api_keys, repository, service
from enterprise.auth.models import ApiKey, User
from enterprise.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    EnterpriseOut,
    InviteAcceptance,
    MeOut,
    TokenOut,
    UserCreate,
    UserCreated,
    UserOut,
    UserUpdate,
)
from enterprise.dependencies import AdminUser, ClientIp, CurrentUser, DbSession, Runtime

router = APIRouter(tags=["auth"])


def _user_out(user: User) -> UserOut:
    return UserOut.model_validate(user).model_copy(update={"invitation_pending": user.password_hash is None})


@router.post("/auth/token", response_model=TokenOut)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: DbSession, runtime: Runtime, ip: ClientIp
) -> TokenOut:
    user = service.sign_in(session, runtime.session_factory, runtime.login_throttle, form.username, form.password, ip)
    token = service.issue_access_token(runtime.tokens, user)
    return TokenOut(access_token=token, expires_in=int(runtime.tokens.access_lifetime.total_seconds()))


@router.post("/auth/accept-invite", response_model=TokenOut)
def accept_invite(body: InviteAcceptance, session: DbSession, runtime: Runtime) -> TokenOut:
    user = service.accept_invite(session, runtime.tokens, body.token, body.password)
    token = service.issue_access_token(runtime.tokens, user)
    return TokenOut(access_token=token, expires_in=int(runtime.tokens.access_lifetime.total_seconds()))


@router.get("/me", response_model=MeOut)
def me(user: CurrentUser, session: DbSession) -> MeOut:
    enterprise = repository.enterprise_by_id(session, user.enterprise_id)
    return MeOut(**_user_out(user).model_dump(), enterprise=EnterpriseOut.model_validate(enterprise))


@router.get("/users", response_model=list[UserOut])
def list_users(admin: AdminUser, session: DbSession) -> list[UserOut]:
    return [_user_out(u) for u in repository.users_of(session, admin.enterprise_id)]


@router.post("/users", response_model=UserCreated, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, admin: AdminUser, session: DbSession, runtime: Runtime, ip: ClientIp) -> UserCreated:
    user, invite = service.create_user(
        session,
        runtime.tokens,
        admin,
        email=str(body.email),
        role=body.role,
        full_name=body.full_name,
        password=body.password,
    )
    # Committed first: the audit row is its own transaction, and SQLite admits one writer at a time.
    session.commit()
    audit.record(
        runtime.session_factory,
        Actor.of(admin, ip),
        Action.USER_CREATED,
        "user",
        user.id,
        email=user.email,
        role=user.role.value,
    )
    return UserCreated(**_user_out(user).model_dump(), invite_token=invite)


@router.get("/users/{user_id}", response_model=UserOut)
def get_user(user_id: uuid.UUID, admin: AdminUser, session: DbSession) -> UserOut:
    return _user_out(repository.user_in_enterprise(session, admin.enterprise_id, user_id))


@router.patch("/users/{user_id}", response_model=UserOut)
def update_user(
    user_id: uuid.UUID, body: UserUpdate, admin: AdminUser, session: DbSession, runtime: Runtime, ip: ClientIp
) -> UserOut:
    before = repository.user_in_enterprise(session, admin.enterprise_id, user_id)
    old_role, was_active = before.role, before.is_active
    user = service.update_user(
        session, admin, user_id, role=body.role, is_active=body.is_active, full_name=body.full_name
    )
    session.commit()
    actor = Actor.of(admin, ip)
    if user.role != old_role:
        audit.record(
            runtime.session_factory,
            actor,
            Action.ROLE_CHANGED,
            "user",
            user.id,
            old=old_role.value,
            new=user.role.value,
        )
    if was_active and not user.is_active:
        audit.record(runtime.session_factory, actor, Action.USER_DISABLED, "user", user.id)
    return _user_out(user)


def _key_out(session: DbSession, api_key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=api_key.id,
        name=api_key.name,
        prefix=api_key.prefix,
        role=api_keys.role_of(session, api_key),
        created_at=api_key.created_at,
        expires_at=api_key.expires_at,
        revoked_at=api_key.revoked_at,
        last_used_at=api_key.last_used_at,
    )


@router.get("/api-keys", response_model=list[ApiKeyOut])
def list_api_keys(admin: AdminUser, session: DbSession) -> list[ApiKeyOut]:
    """The enterprise's API keys, newest first, with their last use; never the keys themselves."""
    return [_key_out(session, k) for k in api_keys.list_api_keys(session, admin)]


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
def create_api_key(
    body: ApiKeyCreate, admin: AdminUser, session: DbSession, runtime: Runtime, ip: ClientIp
) -> ApiKeyCreated:
    """A key for a machine client, acting with `role`; the response holds the key, this once."""
    api_key, secret = api_keys.create_api_key(session, admin, body.name, body.role, body.expires_at)
    session.commit()
    audit.record(
        runtime.session_factory, Actor.of(admin, ip), Action.API_KEY_CREATED, "api_key", api_key.id,
        name=api_key.name, role=body.role.value,
    )  # fmt: skip
    return ApiKeyCreated(**_key_out(session, api_key).model_dump(), key=secret)


@router.delete("/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_api_key(key_id: uuid.UUID, admin: AdminUser, session: DbSession, runtime: Runtime, ip: ClientIp) -> None:
    """Revoke a key: every request with it is refused (401) from now on."""
    api_key = api_keys.revoke_api_key(session, admin, key_id)
    session.commit()
    audit.record(runtime.session_factory, Actor.of(admin, ip), Action.API_KEY_REVOKED, "api_key", api_key.id)
