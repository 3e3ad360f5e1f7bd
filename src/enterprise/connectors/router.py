"""Connectors, for admins: made, authorized at the source, changed, synced, removed; the runs
and items that say what each sync did and why a file was not taken."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import RedirectResponse

from enterprise.audit import service as audit
from enterprise.audit.service import Action, Actor
from enterprise.connectors import service
from enterprise.connectors.models import Connector, ItemStatus, RunTrigger
from enterprise.connectors.schemas import (
    AuthorizationOut,
    ConnectorChangeIn,
    ConnectorCreate,
    ConnectorCreated,
    ConnectorDeleted,
    ConnectorOut,
    ItemOut,
    ItemPage,
    RunOut,
    RunPage,
)
from enterprise.dependencies import AdminUser, ClientIp, DbSession, Runtime
from shared.request_guards import Offset
from shared.settings import Settings

router = APIRouter(prefix="/connectors", tags=["connectors"])
DASHBOARD_ADMIN = "/dashboard/admin"


def _out(session: DbSession, connector: Connector, settings: Settings) -> ConnectorOut:
    run = service.last_run(session, connector)
    return ConnectorOut(
        id=connector.id,
        kind=connector.kind,
        name=connector.name,
        status=connector.status,
        scope=list(connector.scope or []),
        sync_minutes=connector.sync_minutes or settings.connector_sync_minutes,
        next_sync_at=connector.next_sync_at,
        last_error=connector.last_error,
        last_run=RunOut.model_validate(run) if run else None,
        created_at=connector.created_at,
    )


@router.get("", response_model=list[ConnectorOut])
def list_connectors(admin: AdminUser, session: DbSession, runtime: Runtime) -> list[ConnectorOut]:
    """The enterprise's connectors with their status, last run and next scheduled run."""
    return [_out(session, c, runtime.settings) for c in service.list_connectors(session, admin.enterprise_id)]


@router.post("", response_model=ConnectorCreated, status_code=status.HTTP_201_CREATED)
def create_connector(
    body: ConnectorCreate, admin: AdminUser, session: DbSession, runtime: Runtime, ip: ClientIp
) -> ConnectorCreated:
    """Make a connector; open `authorization_url` to grant access at the source. Its first sync
    starts once access is granted."""
    new = service.NewConnector(body.kind, body.name, body.scope, body.sync_minutes)
    connector, url = service.create_connector(session, admin.enterprise_id, admin.id, new, runtime.settings)
    session.flush()
    out = ConnectorCreated(**_out(session, connector, runtime.settings).model_dump(), authorization_url=url)
    session.commit()
    audit.record(
        runtime.session_factory, Actor.of(admin, ip), Action.CONNECTOR_CREATED, "connector", connector.id,
        kind=connector.kind.value, name=connector.name,
    )  # fmt: skip
    return out


@router.get("/oauth/callback", include_in_schema=False)
def oauth_callback(
    session: DbSession,
    runtime: Runtime,
    ip: ClientIp,
    state: Annotated[str, Query(max_length=200)] = "",
    code: Annotated[str | None, Query(max_length=4000)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> RedirectResponse:
    """Where the source sends the admin back after consent (no bearer token: the state is the proof)."""
    try:
        consent = service.complete_authorization(session, state, code, error, runtime.settings)
    except service.ConsentRefusedError:
        session.commit()  # the state is spent and the reason kept on the connector
        raise
    connector = consent.connector
    actor = Actor.of(consent.admin, ip) if consent.admin is not None else Actor(connector.enterprise_id, None, None, ip)
    run, created = service.request_run(session, connector, RunTrigger.AUTHORIZED)
    session.commit()
    if created:
        runtime.sync_requested(run.id)
    audit.record(runtime.session_factory, actor, Action.CONNECTOR_AUTHORIZED, "connector", connector.id)
    return RedirectResponse(f"{DASHBOARD_ADMIN}?connector={connector.id}&authorized=1", status_code=303)


@router.get("/{connector_id}", response_model=ConnectorOut)
def get_connector(connector_id: uuid.UUID, admin: AdminUser, session: DbSession, runtime: Runtime) -> ConnectorOut:
    return _out(session, service.get_connector(session, admin.enterprise_id, connector_id), runtime.settings)


@router.post("/{connector_id}/authorize", response_model=AuthorizationOut)
def authorize_connector(
    connector_id: uuid.UUID, admin: AdminUser, session: DbSession, runtime: Runtime
) -> AuthorizationOut:
    """A new consent page, when access was revoked or the first consent was not finished."""
    url = service.authorize_again(session, admin.enterprise_id, admin.id, connector_id, runtime.settings)
    return AuthorizationOut(authorization_url=url)


@router.patch("/{connector_id}", response_model=ConnectorOut)
def change_connector(
    connector_id: uuid.UUID,
    body: ConnectorChangeIn,
    admin: AdminUser,
    session: DbSession,
    runtime: Runtime,
    ip: ClientIp,
) -> ConnectorOut:
    """Rename, re-scope (a full listing follows; files no longer in scope are removed), change
    the schedule, pause or resume."""
    change = service.ConnectorChange(body.name, body.scope, body.sync_minutes, body.reset_sync_minutes, body.paused)
    connector = service.change_connector(session, admin.enterprise_id, connector_id, change)
    session.flush()
    out = _out(session, connector, runtime.settings)
    session.commit()
    changed = sorted(body.model_dump(exclude_unset=True))
    audit.record(
        runtime.session_factory,
        Actor.of(admin, ip),
        Action.CONNECTOR_CHANGED,
        "connector",
        connector_id,
        changed=changed,
    )
    return out


@router.delete("/{connector_id}", response_model=ConnectorDeleted)
def delete_connector(
    connector_id: uuid.UUID,
    admin: AdminUser,
    session: DbSession,
    runtime: Runtime,
    ip: ClientIp,
    documents: Annotated[Literal["keep", "remove"], Query(description="what becomes of its documents")] = "keep",
) -> ConnectorDeleted:
    """Remove the connector; `documents=remove` removes the documents it brought as well."""
    removed = service.delete_connector(
        session, admin.enterprise_id, connector_id, documents == "remove", runtime.store, runtime
    )
    session.commit()
    audit.record(
        runtime.session_factory, Actor.of(admin, ip), Action.CONNECTOR_DELETED, "connector", connector_id,
        documents=documents, documents_removed=removed,
    )  # fmt: skip
    return ConnectorDeleted(documents_removed=removed)


@router.post("/{connector_id}/sync", response_model=RunOut, status_code=status.HTTP_202_ACCEPTED)
def sync_connector(
    connector_id: uuid.UUID, admin: AdminUser, session: DbSession, runtime: Runtime, ip: ClientIp
) -> RunOut:
    """Sync now; when a run is already waiting or running, that run."""
    run, created = service.sync_now(session, admin.enterprise_id, connector_id)
    out = RunOut.model_validate(run)
    session.commit()
    if created:
        runtime.sync_requested(run.id)
        audit.record(
            runtime.session_factory, Actor.of(admin, ip), Action.CONNECTOR_SYNC_REQUESTED, "connector", connector_id
        )
    return out


@router.get("/{connector_id}/runs", response_model=RunPage)
def list_runs(
    connector_id: uuid.UUID,
    admin: AdminUser,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Offset = 0,
) -> RunPage:
    """The connector's runs, newest first: items seen, added, updated, removed, skipped, failed, and why it failed."""
    rows, total = service.list_runs(session, admin.enterprise_id, connector_id, limit, offset)
    return RunPage(items=[RunOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/{connector_id}/items", response_model=ItemPage)
def list_items(
    connector_id: uuid.UUID,
    admin: AdminUser,
    session: DbSession,
    item_status: Annotated[ItemStatus | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> ItemPage:
    """The files the connector knows, by path; `status=failed` says why each was not taken."""
    rows, total = service.list_items(session, admin.enterprise_id, connector_id, item_status, limit, offset)
    return ItemPage(items=[ItemOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)
