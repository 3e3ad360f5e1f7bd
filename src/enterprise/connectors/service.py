"""Connectors as admins manage them: made, authorized at the source (OAuth with PKCE and a
checked state), paused, resumed, re-scoped, synced on demand or on their schedule, removed with
or without their documents."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from enterprise.auth.models import User
from enterprise.clock import utc_now
from enterprise.connectors import oauth, repository, salesforce
from enterprise.connectors.base import SourceError
from enterprise.connectors.models import (
    Connector,
    ConnectorAuthorization,
    ConnectorItem,
    ConnectorKind,
    ConnectorRun,
    ConnectorStatus,
    ItemStatus,
    RunStatus,
    RunTrigger,
)
from enterprise.connectors.sources import oauth_endpoints
from enterprise.database import bind_enterprise
from enterprise.documents import service as documents
from enterprise.documents.listeners import DocumentListeners
from enterprise.documents.models import Document, DocumentSource
from enterprise.documents.storage import OriginalStore
from shared.errors import ConflictError, InvalidInputError, NotFoundError
from shared.secrets import require_secrets
from shared.settings import Settings

MAX_CONNECTORS = 20
MAX_SCOPE_ENTRIES = 50
CONSENT_LIFETIME = timedelta(minutes=15)


def _require_setup(kind: ConnectorKind, settings: Settings) -> None:
    require_secrets("connectors")
    if not settings.public_base_url:
        raise ConflictError("connectors need PUBLIC_BASE_URL: the source sends the admin back to it after consent")
    oauth_endpoints(kind, settings)


def _scope(kind: ConnectorKind, scope: Sequence[str]) -> list[str]:
    cleaned = list(dict.fromkeys(s.strip() for s in scope if s.strip()))
    if len(cleaned) > MAX_SCOPE_ENTRIES:
        raise InvalidInputError(f"at most {MAX_SCOPE_ENTRIES} folders, paths or libraries", field="body.scope")
    if kind == ConnectorKind.SALESFORCE:
        try:
            return salesforce.check_scope(cleaned)
        except ValueError as error:
            raise InvalidInputError(str(error), field="body.scope") from error
    if kind == ConnectorKind.DROPBOX and any(not s.startswith("/") for s in cleaned):
        raise InvalidInputError("Dropbox paths start with /, e.g. /Finance/Reports", field="body.scope")
    return cleaned


def redirect_uri(settings: Settings) -> str:
    return f"{settings.public_base_url.rstrip('/')}{oauth.CALLBACK_PATH}"


@dataclass(frozen=True)
class NewConnector:
    kind: ConnectorKind
    name: str
    scope: Sequence[str]
    sync_minutes: int | None


def create_connector(
    session: Session, enterprise_id: uuid.UUID, admin_id: uuid.UUID, new: NewConnector, settings: Settings
) -> tuple[Connector, str]:
    """The connector, waiting for consent, and the source's consent page to send the admin to."""
    _require_setup(new.kind, settings)
    if repository.count_connectors(session, enterprise_id) >= MAX_CONNECTORS:
        raise ConflictError(f"an enterprise may have at most {MAX_CONNECTORS} connectors")
    connector = Connector(
        enterprise_id=enterprise_id,
        kind=new.kind,
        name=new.name,
        status=ConnectorStatus.NEEDS_AUTHORIZATION,
        scope=_scope(new.kind, new.scope),
        sync_minutes=new.sync_minutes,
        account={},
        cursor={},
        created_by_id=admin_id,
    )
    session.add(connector)
    session.flush()
    return connector, start_authorization(session, connector, admin_id, settings)


def start_authorization(session: Session, connector: Connector, admin_id: uuid.UUID, settings: Settings) -> str:
    _require_setup(connector.kind, settings)
    now = utc_now()
    repository.forget_authorizations(session, connector.id, expired_before=now)
    state, verifier = oauth.new_state(), oauth.new_verifier()
    session.add(
        ConnectorAuthorization(
            enterprise_id=connector.enterprise_id,
            connector_id=connector.id,
            state_hash=oauth.state_hash(state),
            code_verifier=verifier,
            redirect_uri=redirect_uri(settings),
            expires_at=now + CONSENT_LIFETIME,
            requested_by_id=admin_id,
        )
    )
    session.flush()
    return oauth.authorization_url(oauth_endpoints(connector.kind, settings), redirect_uri(settings), state, verifier)


def authorize_again(
    session: Session, enterprise_id: uuid.UUID, admin_id: uuid.UUID, connector_id: object, settings: Settings
) -> str:
    connector = repository.connector(session, enterprise_id, connector_id)
    return start_authorization(session, connector, admin_id, settings)


class ConsentRefusedError(InvalidInputError):
    """The consent's redirect cannot be used: unknown, used or expired state, or the source's error."""


@dataclass(frozen=True)
class Consent:
    connector: Connector
    # The admin who opened the consent page (the redirect itself carries no one).
    admin: User | None


def complete_authorization(
    session: Session, state: str, code: str | None, error: str | None, settings: Settings
) -> Consent:
    """The source sent the admin back: check the state, exchange the code with the verifier,
    keep the tokens, and make the connector active. The state works once."""
    if not state:
        raise ConsentRefusedError("the source's redirect has no state parameter", field="query.state")
    digest = oauth.state_hash(state)
    enterprise_id = repository.enterprise_of_state(session, digest)
    if enterprise_id is None:
        raise ConsentRefusedError("unknown or already used state: start the authorization again", field="query.state")
    bind_enterprise(session, enterprise_id)
    consent = repository.authorization_by_state(session, enterprise_id, digest)
    if consent is None:
        raise ConsentRefusedError("unknown or already used state: start the authorization again", field="query.state")
    connector = repository.connector(session, enterprise_id, consent.connector_id)
    verifier, uri, expires_at = consent.code_verifier, consent.redirect_uri, consent.expires_at
    admin = session.get(User, consent.requested_by_id) if consent.requested_by_id else None
    session.delete(consent)
    session.flush()
    if expires_at < utc_now():
        raise ConsentRefusedError("this authorization expired: start it again", field="query.state")
    if error or not code:
        connector.last_error = f"the source did not grant access ({error or 'no code'})"
        raise ConsentRefusedError(connector.last_error, field="query.error")
    try:
        tokens, extra = oauth.exchange_code(oauth_endpoints(connector.kind, settings), uri, code, verifier)
    except SourceError as failure:
        connector.last_error = str(failure)
        raise ConsentRefusedError(str(failure), field="query.code") from failure
    connector.access_token = tokens.access_token
    connector.refresh_token = tokens.refresh_token or connector.refresh_token
    connector.token_expires_at = tokens.expires_at
    account = {k: v for k, v in extra.items() if k in {"instance_url", "account_id", "uid", "id", "scope"}}
    connector.account = {**(connector.account or {}), **account}
    connector.status = ConnectorStatus.ACTIVE
    connector.last_error = None
    return Consent(connector, admin)


# ---- changes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConnectorChange:
    name: str | None = None
    scope: Sequence[str] | None = None
    sync_minutes: int | None = None
    reset_sync_minutes: bool = False
    paused: bool | None = None


def change_connector(
    session: Session, enterprise_id: uuid.UUID, connector_id: object, change: ConnectorChange
) -> Connector:
    connector = repository.connector(session, enterprise_id, connector_id)
    if change.name is not None:
        connector.name = change.name
    if change.scope is not None:
        scope = _scope(connector.kind, change.scope)
        if scope != list(connector.scope or []):
            connector.scope = scope
            # A full listing of the new scope; its end removes what is no longer in it.
            connector.cursor = {"generation": int((connector.cursor or {}).get("generation", 0))}
    if change.sync_minutes is not None or change.reset_sync_minutes:
        connector.sync_minutes = None if change.reset_sync_minutes else change.sync_minutes
    if change.paused is True and connector.status == ConnectorStatus.ACTIVE:
        connector.status = ConnectorStatus.PAUSED
        connector.next_sync_at = None
    elif change.paused is False and connector.status == ConnectorStatus.PAUSED:
        connector.status = ConnectorStatus.ACTIVE
        connector.next_sync_at = utc_now()
    return connector


def delete_connector(
    session: Session,
    enterprise_id: uuid.UUID,
    connector_id: object,
    remove_documents: bool,
    store: OriginalStore,
    listeners: DocumentListeners,
) -> int:
    """Remove the connector; with `remove_documents`, the documents it brought too (a document
    a member uploaded as well stays). The number of documents removed."""
    connector = repository.connector(session, enterprise_id, connector_id)
    removed = 0
    if remove_documents:
        for item in repository.all_items(session, connector.id):
            document = session.get(Document, item.document_id) if item.document_id else None
            item.document_id = None
            session.flush()
            if document is None or document.source != DocumentSource.CONNECTOR:
                continue
            if (document.origin or {}).get("connector_id") != str(connector.id):
                continue
            if repository.others_holding(session, document.id, besides=item.id):
                continue
            documents.remove_document(session, store, listeners, document)
            removed += 1
    session.delete(connector)
    return removed


# ---- runs ---------------------------------------------------------------------------------------


def request_run(session: Session, connector: Connector, trigger: RunTrigger) -> tuple[ConnectorRun, bool]:
    """A run to do, or the one already waiting or running (a connector runs once at a time).
    True when the run is new (the caller enqueues it after commit)."""
    locked = repository.locked_connector(session, connector.id)
    assert locked is not None
    existing = repository.open_run(session, connector.id)
    if existing is not None:
        return existing, False
    run = ConnectorRun(
        enterprise_id=connector.enterprise_id,
        connector_id=connector.id,
        trigger=trigger,
        status=RunStatus.PENDING,
        full=False,
    )
    session.add(run)
    # Until it finishes, the schedule does not ask for another.
    connector.next_sync_at = None
    session.flush()
    return run, True


def sync_now(session: Session, enterprise_id: uuid.UUID, connector_id: object) -> tuple[ConnectorRun, bool]:
    connector = repository.connector(session, enterprise_id, connector_id)
    if connector.status != ConnectorStatus.ACTIVE:
        hint = "authorize it first" if connector.status == ConnectorStatus.NEEDS_AUTHORIZATION else "resume it first"
        raise ConflictError(f"the connector is {connector.status.value.replace('_', ' ')}: {hint}")
    return request_run(session, connector, RunTrigger.MANUAL)


def schedule_due(session: Session, now: datetime | None = None) -> list[uuid.UUID]:
    """Runs for every active connector whose time has come (a worker's tick, across enterprises)."""
    runs = []
    for connector in repository.due_connectors(session, now or utc_now()):
        run, created = request_run(session, connector, RunTrigger.SCHEDULE)
        if created:
            runs.append(run.id)
    return runs


def list_connectors(session: Session, enterprise_id: uuid.UUID) -> Sequence[Connector]:
    return repository.connectors(session, enterprise_id)


def get_connector(session: Session, enterprise_id: uuid.UUID, connector_id: object) -> Connector:
    return repository.connector(session, enterprise_id, connector_id)


def last_run(session: Session, connector: Connector) -> ConnectorRun | None:
    return repository.last_run(session, connector.id)


def list_runs(
    session: Session, enterprise_id: uuid.UUID, connector_id: object, limit: int, offset: int
) -> tuple[Sequence[ConnectorRun], int]:
    connector = repository.connector(session, enterprise_id, connector_id)
    return repository.runs_of(session, enterprise_id, connector.id, limit, offset)


def get_run(session: Session, enterprise_id: uuid.UUID, connector_id: object, run_id: object) -> ConnectorRun:
    connector = repository.connector(session, enterprise_id, connector_id)
    run = session.get(ConnectorRun, run_id) if isinstance(run_id, uuid.UUID) else None
    if run is None or run.connector_id != connector.id or run.enterprise_id != enterprise_id:
        raise NotFoundError(f"run {run_id} not found")
    return run


def list_items(
    session: Session, enterprise_id: uuid.UUID, connector_id: object, status: ItemStatus | None, limit: int, offset: int
) -> tuple[Sequence[ConnectorItem], int]:
    connector = repository.connector(session, enterprise_id, connector_id)
    return repository.items_of(session, enterprise_id, connector.id, status, limit, offset)
