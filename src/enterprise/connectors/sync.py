"""One connector run: the source's changes page by page, each file stored through the normal
ingestion, and the cursor moved only after its page is stored, so a run that dies (or a worker
killed) resumes from the last stored page: what it had stored is seen again as unchanged."""

from __future__ import annotations

import enum
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

import structlog
from sqlalchemy.orm import Session

from enterprise.clock import utc_now
from enterprise.connectors import repository
from enterprise.connectors.base import (
    AuthorizationRevokedError,
    Change,
    CursorResetError,
    RemoteFile,
    Source,
    SourceError,
)
from enterprise.connectors.models import (
    Connector,
    ConnectorItem,
    ConnectorRun,
    ConnectorStatus,
    ItemStatus,
    RunStatus,
)
from enterprise.connectors.sources import open_source
from enterprise.database import bind_enterprise
from enterprise.documents import service as documents
from enterprise.documents.models import Document, DocumentSource
from enterprise.runtime import EnterpriseRuntime
from enterprise.webhooks import service as webhooks
from enterprise.webhooks.models import WebhookEvent
from shared.database import session_scope
from shared.errors import DomainError
from shared.uploads import SpooledFile

log = structlog.get_logger(__name__)
WORKER = f"{socket.gethostname()}:{os.getpid()}"
# A run whose worker has been silent this long is taken over by another.
STALE_AFTER = timedelta(minutes=2)
GENERATION = "generation"
SOURCE = "source"


class Outcome(enum.StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    REMOVED = "removed"
    SKIPPED = "skipped"
    FAILED = "failed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Uploader:
    """A connector registers documents for the admin who made it (or no one, once they are gone)."""

    enterprise_id: uuid.UUID
    id: uuid.UUID | None


@dataclass
class RunState:
    run_id: uuid.UUID
    connector_id: uuid.UUID
    enterprise_id: uuid.UUID
    scope: list[str]
    cursor: dict[str, Any]
    generation: int
    queued: list[uuid.UUID] = field(default_factory=list)


def run_sync(runtime: EnterpriseRuntime, run_id: uuid.UUID, now: datetime | None = None) -> bool:
    """Claim the run and carry it out; False when another worker holds it or it is finished.
    `now` is when the claim is judged (a test's clock, to take over a silent worker's run)."""
    now = now or utc_now()
    with session_scope(runtime.session_factory) as session:
        if not repository.claim_run(session, run_id, WORKER, now, now - STALE_AFTER):
            return False
    state, refusal = _start(runtime, run_id)
    if state is None:
        _finish(runtime, run_id, refusal)
        return True
    error: str | None = None
    try:
        source, http = _open(runtime, state)
        try:
            _pull(runtime, state, source)
        finally:
            http.close()
    except AuthorizationRevokedError as failure:
        error = str(failure)
        _needs_authorization(runtime, state, error)
    except (SourceError, DomainError) as failure:
        error = str(failure)
    except Exception as failure:
        log.exception("connector.sync_error", run_id=str(run_id))
        error = f"unexpected error: {type(failure).__name__}: {failure}"[:1000]
    _finish(runtime, run_id, error)
    return True


def _start(runtime: EnterpriseRuntime, run_id: uuid.UUID) -> tuple[RunState | None, str | None]:
    with session_scope(runtime.session_factory) as session:
        run = session.get(ConnectorRun, run_id)
        connector = session.get(Connector, run.connector_id) if run else None
        if run is None or connector is None:
            return None, "the connector was removed"
        if connector.status != ConnectorStatus.ACTIVE:
            return None, f"the connector is {connector.status.value.replace('_', ' ')}"
        cursor = dict(connector.cursor or {})
        generation = int(cursor.get(GENERATION, 0))
        source_cursor = dict(cursor.get(SOURCE) or {})
        if not source_cursor:
            generation += 1  # a full listing starts: what it does not see is gone at its end
            run.full = True
        return (
            RunState(
                run.id, connector.id, connector.enterprise_id, list(connector.scope or []), source_cursor, generation
            ),
            None,
        )


def _open(runtime: EnterpriseRuntime, state: RunState) -> tuple[Source, Any]:
    with session_scope(runtime.session_factory) as session:
        connector = session.get(Connector, state.connector_id)
        assert connector is not None
        return open_source(runtime.session_factory, runtime.settings, connector)


def _pull(runtime: EnterpriseRuntime, state: RunState, source: Source) -> None:
    while True:
        try:
            page = source.changes(state.cursor, state.scope)
        except CursorResetError as reset:
            if not state.cursor:
                raise  # a full listing refused too: not a stale cursor
            log.warning("connector.cursor_reset", run_id=str(state.run_id), reason=str(reset))
            _restart_full_listing(runtime, state)
            continue
        for change in page.changes:
            _apply(runtime, state, change, source)
        swept = _sweep(runtime, state) if page.full_listing_done else 0
        with session_scope(runtime.session_factory) as session:
            bind_enterprise(session, state.enterprise_id)
            connector = session.get(Connector, state.connector_id)
            run = session.get(ConnectorRun, state.run_id)
            if connector is None or run is None:
                raise SourceError("the connector was removed during its run")
            connector.cursor = {SOURCE: page.cursor, GENERATION: state.generation}
            run.items_removed += swept
            run.heartbeat_at = utc_now()
        state.cursor = page.cursor
        _queue(runtime, state)
        if page.done:
            return


def _restart_full_listing(runtime: EnterpriseRuntime, state: RunState) -> None:
    """The source forgot our cursor: list everything again in this run; its end removes what it
    did not see (a new generation)."""
    state.cursor = {}
    state.generation += 1
    with session_scope(runtime.session_factory) as session:
        bind_enterprise(session, state.enterprise_id)
        run = session.get(ConnectorRun, state.run_id)
        if run is not None:
            run.full = True


def _apply(runtime: EnterpriseRuntime, state: RunState, change: Change, source: Source) -> None:
    if change.removed_path is not None:
        outcome = _remove_under(runtime, state, change.removed_path)
    elif change.file is None:
        outcome = _remove(runtime, state, change.external_id)
    else:
        outcome = _store(runtime, state, change.file, source)
    with session_scope(runtime.session_factory) as session:
        bind_enterprise(session, state.enterprise_id)
        run = session.get(ConnectorRun, state.run_id)
        if run is None:
            return
        if outcome != Outcome.REMOVED or change.file is not None:
            run.items_seen += 1
        counter = {
            Outcome.ADDED: "items_added",
            Outcome.UPDATED: "items_updated",
            Outcome.SKIPPED: "items_skipped",
            Outcome.FAILED: "items_failed",
        }.get(outcome)
        if counter:
            setattr(run, counter, getattr(run, counter) + 1)
        if outcome == Outcome.REMOVED:
            run.items_removed += 1
        run.heartbeat_at = utc_now()


def _extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _origin(state: RunState, connector: Connector, file: RemoteFile) -> dict[str, Any]:
    return {
        "connector_id": str(connector.id),
        "connector": connector.name,
        "kind": connector.kind.value,
        "external_id": file.external_id,
        "path": file.path,
        "owner": file.owner,
        "modified_at": file.modified_at.isoformat() if file.modified_at else None,
        "link": file.link,
    }


def _store(runtime: EnterpriseRuntime, state: RunState, file: RemoteFile, source: Source) -> Outcome:
    settings = runtime.settings
    with session_scope(runtime.session_factory) as session:
        bind_enterprise(session, state.enterprise_id)
        item = repository.item(session, state.connector_id, file.external_id)
        if item is not None and item.version == file.version and item.status != ItemStatus.FAILED:
            return _same_content(session, state, item, file)
        if item is not None and item.version == file.version and item.error:
            # Failed for the file itself (too large, refused): it fails again until it changes.
            item.generation = state.generation
            return Outcome.UNCHANGED
    if _extension(file.file_name) not in settings.supported_format_set:
        _keep_item(runtime, state, file, ItemStatus.SKIPPED, f"{_extension(file.file_name) or 'no'} files are not read")
        return Outcome.SKIPPED
    if file.size is not None and file.size > settings.max_file_size:
        reason = f"the file is larger than the limit of {settings.max_file_size} bytes"
        _keep_item(runtime, state, file, ItemStatus.FAILED, reason)
        return Outcome.FAILED
    try:
        spooled = source.download(file, settings.data_dir / "incoming", settings.max_file_size)
    except DomainError as refused:  # past the size limit while downloading
        _keep_item(runtime, state, file, ItemStatus.FAILED, refused.detail)
        return Outcome.FAILED
    return _register(runtime, state, file, spooled)


def _register(runtime: EnterpriseRuntime, state: RunState, file: RemoteFile, spooled: SpooledFile) -> Outcome:
    with session_scope(runtime.session_factory) as session:
        bind_enterprise(session, state.enterprise_id)
        connector = session.get(Connector, state.connector_id)
        if connector is None:
            spooled.path.unlink(missing_ok=True)
            raise SourceError("the connector was removed during its run")
        uploader = Uploader(state.enterprise_id, connector.created_by_id)
        try:
            with session.begin_nested():
                registered = documents.register_upload(
                    session,
                    runtime.settings,
                    runtime.store,
                    uploader,
                    spooled,
                    file.file_name,
                    {},
                    source=DocumentSource.CONNECTOR,
                    origin=_origin(state, connector, file),
                )
        except DomainError as refused:  # a type that is not what it says, the enterprise's quota
            _upsert_item(session, state, file, ItemStatus.FAILED, refused.detail)
            return Outcome.FAILED
        known = repository.item(session, state.connector_id, file.external_id)
        was_new = known is None
        previous = known.document_id if known is not None else None
        item = _upsert_item(session, state, file, ItemStatus.SYNCED, None)
        item.document_id = registered.document.id
        session.flush()
        if previous is not None and previous != registered.document.id:
            _release(runtime, session, state, item, previous)
        if registered.created:
            state.queued.append(registered.document.id)
    return Outcome.ADDED if was_new else Outcome.UPDATED


def _same_content(session: Session, state: RunState, item: ConnectorItem, file: RemoteFile) -> Outcome:
    """The bytes are those already stored: a rename or a move changes only the names."""
    item.generation = state.generation
    if (item.name, item.path) == (file.name, file.path):
        return Outcome.UNCHANGED
    item.name, item.path = file.name, file.path
    item.modified_at, item.link, item.owner = file.modified_at, file.link, file.owner
    document = session.get(Document, item.document_id) if item.document_id else None
    if document is not None and document.source == DocumentSource.CONNECTOR:
        document.filename = file.file_name[:255]
        modified = item.modified_at.isoformat() if item.modified_at else None
        document.origin = {**(document.origin or {}), "path": file.path, "modified_at": modified, "link": file.link}
    return Outcome.UPDATED


def _upsert_item(
    session: Session, state: RunState, file: RemoteFile, status: ItemStatus, error: str | None
) -> ConnectorItem:
    item = repository.item(session, state.connector_id, file.external_id)
    if item is None:
        item = ConnectorItem(
            enterprise_id=state.enterprise_id, connector_id=state.connector_id, external_id=file.external_id
        )
        session.add(item)
    item.name, item.path, item.version = file.name[:500], file.path[:2000], file.version[:200]
    item.modified_at, item.owner, item.link = file.modified_at, file.owner, file.link
    item.status, item.error, item.generation = status, error, state.generation
    return item


def _keep_item(runtime: EnterpriseRuntime, state: RunState, file: RemoteFile, status: ItemStatus, reason: str) -> None:
    with session_scope(runtime.session_factory) as session:
        bind_enterprise(session, state.enterprise_id)
        item = _upsert_item(session, state, file, status, reason)
        previous = item.document_id
        item.document_id = None
        session.flush()
        if previous is not None:
            _release(runtime, session, state, item, previous)


def _release(
    runtime: EnterpriseRuntime, session: Session, state: RunState, item: ConnectorItem, document_id: uuid.UUID
) -> None:
    """Remove a document the connector brought once no item points at it any more; a document
    uploaded by a member (the same bytes) stays."""
    if repository.others_holding(session, document_id, besides=item.id):
        return
    document = session.get(Document, document_id)
    if document is None or document.source != DocumentSource.CONNECTOR:
        return
    if (document.origin or {}).get("connector_id") != str(state.connector_id):
        return
    documents.remove_document(session, runtime.store, runtime, document)


def _remove_item(runtime: EnterpriseRuntime, session: Session, state: RunState, item: ConnectorItem) -> None:
    document_id = item.document_id
    item.document_id = None
    session.flush()
    if document_id is not None:
        _release(runtime, session, state, item, document_id)
    session.delete(item)


def _remove(runtime: EnterpriseRuntime, state: RunState, external_id: str) -> Outcome:
    with session_scope(runtime.session_factory) as session:
        bind_enterprise(session, state.enterprise_id)
        item = repository.item(session, state.connector_id, external_id)
        if item is None:
            return Outcome.UNCHANGED
        _remove_item(runtime, session, state, item)
    return Outcome.REMOVED


def _remove_under(runtime: EnterpriseRuntime, state: RunState, path: str) -> Outcome:
    with session_scope(runtime.session_factory) as session:
        bind_enterprise(session, state.enterprise_id)
        items = repository.items_under(session, state.connector_id, path)
        for item in items:
            _remove_item(runtime, session, state, item)
    return Outcome.REMOVED if items else Outcome.UNCHANGED


def _sweep(runtime: EnterpriseRuntime, state: RunState) -> int:
    """After a full listing: the items it did not see are gone from the source (or the scope)."""
    with session_scope(runtime.session_factory) as session:
        bind_enterprise(session, state.enterprise_id)
        gone = repository.items_older_than(session, state.connector_id, state.generation)
        for item in gone:
            _remove_item(runtime, session, state, item)
        return len(gone)


def _queue(runtime: EnterpriseRuntime, state: RunState) -> None:
    """Hand the page's new documents to ingestion (they are committed)."""
    for document_id in state.queued:
        try:
            runtime.document_queued(document_id)
        except Exception as error:  # the queue is down: the stalled-job rescue picks them up
            log.warning("connector.enqueue_failed", document_id=str(document_id), error=str(error))
    state.queued.clear()


def _needs_authorization(runtime: EnterpriseRuntime, state: RunState, reason: str) -> None:
    with session_scope(runtime.session_factory) as session:
        bind_enterprise(session, state.enterprise_id)
        connector = session.get(Connector, state.connector_id)
        if connector is not None:
            connector.status = ConnectorStatus.NEEDS_AUTHORIZATION
            connector.next_sync_at = None


def _finish(runtime: EnterpriseRuntime, run_id: uuid.UUID, error: str | None) -> None:
    now = utc_now()
    with session_scope(runtime.session_factory) as session:
        run = session.get(ConnectorRun, run_id)
        if run is None:
            return
        bind_enterprise(session, run.enterprise_id)
        run.status = RunStatus.FAILED if error else RunStatus.SUCCEEDED
        run.error = error
        run.finished_at = run.heartbeat_at = now
        connector = session.get(Connector, run.connector_id)
        if connector is None:
            return
        connector.last_error = error
        if connector.status == ConnectorStatus.ACTIVE:
            minutes = connector.sync_minutes or runtime.settings.connector_sync_minutes
            connector.next_sync_at = now + timedelta(minutes=minutes)
        events = webhooks.record_event(
            session, run.enterprise_id, WebhookEvent.SYNC_FINISHED, run_summary(connector, run)
        )
    log.info("connector.sync_finished", run_id=str(run_id), error=error)
    if events:
        try:
            runtime.webhooks_recorded()
        except Exception as failure:  # each worker's minute tick sends them later
            log.warning("webhooks.enqueue_failed", error=str(failure))


def run_summary(connector: Connector, run: ConnectorRun) -> dict[str, Any]:
    return {
        "connector_id": str(connector.id),
        "connector": connector.name,
        "kind": connector.kind.value,
        "run_id": str(run.id),
        "status": run.status.value,
        "error": run.error,
        "items_seen": run.items_seen,
        "items_added": run.items_added,
        "items_updated": run.items_updated,
        "items_removed": run.items_removed,
        "items_skipped": run.items_skipped,
        "items_failed": run.items_failed,
    }
