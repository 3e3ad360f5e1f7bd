from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

from enterprise.audit import service as audit
from enterprise.audit.service import Action, Actor
from enterprise.auth import repository, service
from enterprise.auth.models import User
from enterprise.auth.schemas import (
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
