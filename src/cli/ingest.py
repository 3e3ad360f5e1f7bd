"""`brain ingest` and `brain reindex`: documents processed in this process, with progress bars."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from enterprise.auth.models import Enterprise, Role, User
from enterprise.documents import service
from enterprise.documents.models import Document
from enterprise.ingestion.pipeline import enrich_document, index_document, reread_statements
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from shared.errors import DomainError, NotFoundError
from shared.uploads import SpooledFile, spool_blocks

BLOCK = 1 << 20


@dataclass
class Outcome:
    name: str
    document_id: uuid.UUID | None
    status: str
    seconds: float
    detail: str = ""


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        elif path.is_file():
            files.append(path)
        else:
            raise NotFoundError(f"{path} does not exist")
    return files


def acting_user(runtime: EnterpriseRuntime, slug: str, email: str | None) -> User:
    with session_scope(runtime.session_factory) as session:
        enterprise = session.scalars(select(Enterprise).where(Enterprise.slug == slug)).one_or_none()
        if enterprise is None:
            raise NotFoundError(f"enterprise {slug} not found")
        query = select(User).where(User.enterprise_id == enterprise.id, User.is_active.is_(True))
        query = query.where(User.email == email.lower()) if email else query.where(User.role == Role.ADMIN)
        user = session.scalars(query.order_by(User.created_at)).first()
        if user is None:
            raise NotFoundError(f"no active {'user ' + email if email else 'admin'} in enterprise {slug}")
        session.expunge(user)
        return user


def document_ids_of(runtime: EnterpriseRuntime, user: User) -> list[uuid.UUID]:
    with session_scope(runtime.session_factory) as session:
        query = select(Document.id).where(Document.enterprise_id == user.enterprise_id)
        return list(session.scalars(query.order_by(Document.created_at)))


def _spool(path: Path, directory: Path, max_bytes: int) -> SpooledFile:
    with path.open("rb") as source:
        return spool_blocks(iter(lambda: source.read(BLOCK), b""), directory, max_bytes)


def _follow(
    runtime: EnterpriseRuntime,
    document_id: uuid.UUID,
    work: Callable[[], None],
    on_progress: Callable[[int, str], None],
) -> None:
    """Run `work` on a thread and report the document's progress as the pipeline records it."""
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(timeout=0.5)
        with session_scope(runtime.session_factory) as session:
            document = session.get(Document, document_id)
            if document is not None:
                running = [name for name, stage in (document.stages or {}).items() if stage.get("status") == "running"]
                on_progress(document.progress, running[0] if running else document.status.value)


def _process(runtime: EnterpriseRuntime, document_id: uuid.UUID) -> None:
    if index_document(runtime, document_id):
        enrich_document(runtime, document_id)


def _finish(runtime: EnterpriseRuntime, document_id: uuid.UUID, name: str, started: float) -> Outcome:
    with session_scope(runtime.session_factory) as session:
        document = session.get(Document, document_id)
        assert document is not None
        detail = (
            document.error or f"{document.pages} pages, {document.chunk_count} chunks, {document.table_count} tables"
        )
        return Outcome(name, document_id, document.status.value, time.perf_counter() - started, detail)


def ingest_files(runtime: EnterpriseRuntime, user: User, files: list[Path], console: Console) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with _progress(console) as progress:
        for path in files:
            task = progress.add_task(path.name, total=100, stage="queued")
            started = time.perf_counter()
            try:
                spooled = _spool(path, runtime.settings.data_dir / "incoming", runtime.settings.max_file_size)
                with session_scope(runtime.session_factory) as session:
                    registered = service.register_upload(
                        session, runtime.settings, runtime.store, user, spooled, path.name, {}
                    )
                    document_id, created = registered.document.id, registered.created
            except DomainError as exc:
                progress.update(task, completed=100, stage="refused")
                outcomes.append(Outcome(path.name, None, "refused", time.perf_counter() - started, exc.detail))
                continue
            if not created:
                progress.update(task, completed=100, stage="already uploaded")
                outcomes.append(Outcome(path.name, document_id, "duplicate", 0.0, "same bytes as an existing document"))
                continue
            outcomes.append(_process_with_bar(runtime, progress, task, document_id, path.name, started))
    return outcomes


def _process_with_bar(
    runtime: EnterpriseRuntime, progress: Progress, task: TaskID, document_id: uuid.UUID, name: str, started: float
) -> Outcome:
    def report(percent: int, stage: str) -> None:
        progress.update(task, completed=percent, stage=stage)

    _follow(runtime, document_id, partial(_process, runtime, document_id), report)
    outcome = _finish(runtime, document_id, name, started)
    progress.update(task, completed=100, stage=outcome.status)
    return outcome


def reindex_documents(
    runtime: EnterpriseRuntime, user: User, document_ids: list[uuid.UUID], console: Console
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with _progress(console) as progress:
        for document_id in document_ids:
            started = time.perf_counter()
            try:
                with session_scope(runtime.session_factory) as session:
                    name = service.prepare_reindex(session, user, runtime.store, document_id).filename
            except DomainError as exc:
                outcomes.append(Outcome(str(document_id), document_id, "refused", 0.0, exc.detail))
                continue
            task = progress.add_task(name, total=100, stage="queued")
            outcomes.append(_process_with_bar(runtime, progress, task, document_id, name, started))
    return outcomes


def reread_statements_of(
    runtime: EnterpriseRuntime, user: User, document_ids: list[uuid.UUID], console: Console
) -> list[Outcome]:
    """`brain reindex --facts`: each document's statements read again from its stored tables."""
    outcomes: list[Outcome] = []
    with _progress(console) as progress:
        task = progress.add_task("financial statements", total=len(document_ids), stage="")
        for document_id in document_ids:
            started = time.perf_counter()
            with session_scope(runtime.session_factory) as session:
                name = service.get_document(session, user, document_id).filename
            progress.update(task, stage=name)
            stage = reread_statements(runtime, document_id)
            status = "ready" if stage.get("status") == "done" else "failed"
            detail = f"{stage.get('facts', 0)} facts, {stage.get('checks_failed', 0)} checks failed"
            outcomes.append(
                Outcome(name, document_id, status, time.perf_counter() - started, stage.get("error", detail))
            )
            progress.advance(task)
    return outcomes


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}", style="bold"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[stage]}"),
        TimeElapsedColumn(),
        console=console,
    )


def summary_table(outcomes: list[Outcome]) -> Table:
    table = Table(title="Summary")
    for column in ("file", "status", "seconds", "detail", "document id"):
        table.add_column(column)
    for o in outcomes:
        style = {"ready": "green", "failed": "red", "refused": "red"}.get(o.status, "yellow")
        table.add_row(o.name, f"[{style}]{o.status}[/{style}]", f"{o.seconds:.1f}", o.detail, str(o.document_id or ""))
    return table
