"""Typed dependencies every enterprise router uses: the runtime, the session, the caller."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from enterprise.auth import api_keys
from enterprise.auth import service as auth_service
from enterprise.auth.models import Role, User
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from shared.errors import AuthenticationError

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/token", auto_error=False)


def get_runtime(request: Request) -> EnterpriseRuntime:
    runtime: EnterpriseRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[EnterpriseRuntime, Depends(get_runtime)]


def get_session(runtime: Runtime) -> Iterator[Session]:
    with session_scope(runtime.session_factory) as session:
        yield session


# scope="function": the session commits when the endpoint returns, before the response is sent.
DbSession = Annotated[Session, Depends(get_session, scope="function")]


def get_current_user(
    session: DbSession, runtime: Runtime, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    if not token:
        raise AuthenticationError("not authenticated: send an Authorization: Bearer token")
    if api_keys.is_api_key(token):
        return api_keys.user_from_api_key(session, token)
    return auth_service.user_from_token(session, runtime.tokens, token)


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(minimum: Role) -> Callable[[User], User]:
    def dependency(user: CurrentUser) -> User:
        auth_service.require_role(user, minimum)
        return user

    return dependency


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


ClientIp = Annotated[str | None, Depends(client_ip)]


AnalystUser = Annotated[User, Depends(require_role(Role.ANALYST))]
ExecutiveUser = Annotated[User, Depends(require_role(Role.EXECUTIVE))]
AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]
