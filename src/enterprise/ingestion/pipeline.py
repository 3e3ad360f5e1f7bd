"""The ingestion of one document, in two jobs.

`index_document`: parse, chunk, full-text index, metadata, and the tables of the statement
and densest pages; the document is searchable when it ends. `enrich_document`: the tables of
the remaining candidate pages, then dense vectors in batches. Each step records its progress
and a heartbeat, so a job whose worker died is seen and picked up again.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.orm import Session

from enterprise.answers.vectors import add_vectors, collection_for, delete_vectors, reusable_vectors, text_key
from enterprise.documents import repository
from enterprise.documents.models import (
    ChunkKind,
    Document,
    DocumentStatus,
    ExtractedTable,
)
from enterprise.finance import repository as finance_repository
from enterprise.finance.service import extract_document_facts
from enterprise.finance.statements import statement_kind
from enterprise.ingestion.chunking import MAX_WORDS, table_chunks
from enterprise.ingestion.metadata import infer_metadata
from enterprise.ingestion.parsers import ParsedDocument, parse
from enterprise.ingestion.pdf_tables import GridTable, extract_tables
from enterprise.language import detect_language
from enterprise.runtime import EnterpriseRuntime
from enterprise.webhooks import service as webhooks
from enterprise.webhooks.models import WebhookEvent
from shared.database import session_scope
from shared.text_extraction import UnreadableDocumentError, chunk_pages

log = structlog.get_logger(__name__)
EMBED_BATCH = 64
# Which process did each stage: with workers on several machines, where to look when one fails.
WORKER = f"{socket.gethostname()}:{os.getpid()}"
# Progress (percent) at which each step ends.
PARSED, PRIMARY_TABLES, MORE_TABLES, VECTORS = 15, 40, 55, 100


class DocumentGoneError(Exception):
    """The document was deleted while its job was waiting or running."""


@contextmanager
def _document(
    runtime: EnterpriseRuntime, document_id: uuid.UUID, claim: bool = False
) -> Iterator[tuple[Session, Document]]:
    """`claim`: the row locked until the block ends (PostgreSQL), so two workers handed the same
    job cannot both take it; SQLite's one writer at a time needs no lock."""
    with session_scope(runtime.session_factory) as session:
        # Jobs carry only the id; the row itself names its enterprise for every write below.
        document = session.get(Document, document_id, with_for_update=claim or None)
        if document is None:
            raise DocumentGoneError(str(document_id))
        yield session, document


def _touch(document: Document, progress: int | None = None, **stage: Any) -> None:
    document.heartbeat_at = datetime.now(UTC)
    if progress is not None:
        document.progress = max(0, min(100, progress))
    if stage:
        stages = dict(document.stages or {})
        for name, value in stage.items():
            stages[name] = {**stages.get(name, {}), **value}
        document.stages = stages


def _fail(runtime: EnterpriseRuntime, document_id: uuid.UUID, reason: str) -> None:
    with _document(runtime, document_id) as (session, document):
        document.status = DocumentStatus.FAILED
        document.error = reason
        _touch(document)
        events = _record_event(session, document, WebhookEvent.DOCUMENT_FAILED, error=reason)
    log.warning("document.failed", document_id=str(document_id), reason=reason)
    _events_recorded(runtime, events)


def _record_event(session: Session, document: Document, event: WebhookEvent, **extra: Any) -> int:
    data = {
        "document_id": str(document.id),
        "filename": document.filename,
        "status": document.status.value,
        "company": document.company,
        "fiscal_year": document.fiscal_year,
        "pages": document.pages,
        **extra,
    }
    return webhooks.record_event(session, document.enterprise_id, event, data)


def _events_recorded(runtime: EnterpriseRuntime, events: int) -> None:
    if not events:
        return
    try:
        runtime.webhooks_recorded()
    except Exception as error:  # the queue is down: each worker's minute tick sends them later
        log.warning("webhooks.enqueue_failed", error=str(error))


def _progress_between(start: int, end: int) -> Callable[[int, int], int]:
    return lambda done, total: start + (end - start) * done // max(total, 1)


def index_document(runtime: EnterpriseRuntime, document_id: uuid.UUID) -> bool:
    """Make the document searchable by full text and its main tables. True when enrichment should follow."""
    try:
        return _index(runtime, document_id)
    except DocumentGoneError:
        return False
    except UnreadableDocumentError as exc:
        _fail(runtime, document_id, str(exc))
    except Exception as exc:
        log.exception("document.index_error", document_id=str(document_id))
        _fail(runtime, document_id, f"unexpected error while indexing ({type(exc).__name__}: {exc})"[:1000])
    return False


def waits_for_enrichment(document: Document) -> bool:
    """Searchable, its enrichment job queued and not yet taken by a worker."""
    stages = document.stages or {}
    return (
        document.status == DocumentStatus.PROCESSING
        and stages.get("vectors", {}).get("status") == "queued"
        and stages.get("more_tables", {}).get("status") != "running"
    )


def _index(runtime: EnterpriseRuntime, document_id: uuid.UUID) -> bool:
    with _document(runtime, document_id, claim=True) as (_, document):
        if document.status != DocumentStatus.QUEUED:
            # Another copy of this job (requeued after the queue lost track of it) took it first.
            log.info("document.index_skipped", document_id=str(document_id), status=document.status.value)
            return False
        document.status = DocumentStatus.PROCESSING
        document.error = None
        document.attempts += 1
        document.stages = {}
        document.searchable_at = document.ready_at = None
        _touch(document, 1, parse={"status": "running", "worker": WORKER})
        enterprise_id, sha256 = document.enterprise_id, document.sha256
        file_format, filename = document.file_format, document.filename
    with runtime.store.local_copy(enterprise_id, sha256) as path:
        return _index_file(runtime, document_id, path, file_format, filename)


def _index_file(
    runtime: EnterpriseRuntime, document_id: uuid.UUID, path: Path, file_format: str, filename: str
) -> bool:
    started = time.perf_counter()
    parsed = parse(path, file_format, filename)
    text_chunks = chunk_pages(parsed.pages, max_words=MAX_WORDS)
    statements = statement_sections(parsed)
    # A PDF's statement pages are whole pages; a sheet's or a docx's statement is one table of it.
    text_sections = statements if file_format == "pdf" else {}
    with _document(runtime, document_id) as (session, document):
        _apply_metadata(document, parsed, filename)
        finance_repository.delete_for_document(session, document.enterprise_id, document.id)
        repository.delete_chunks(session, document.enterprise_id, document.id)
        repository.delete_tables(session, document.enterprise_id, document.id)
        document.table_count = 0
        repository.add_chunks(
            session,
            [
                _chunk_row(
                    document,
                    i,
                    c.page,
                    text_sections.get(c.page, c.section),
                    ChunkKind.TEXT,
                    c.text,
                    None,
                    is_statement=c.page in text_sections,
                )
                for i, c in enumerate(text_chunks)
            ],
        )
        document.pages = parsed.page_count
        document.pages_without_text = parsed.pages_without_text
        _store_tables(session, document, parsed.tables, first_ordinal=len(text_chunks), sections=statements)
        _touch(
            document,
            PARSED,
            parse={"status": "done", "seconds": round(time.perf_counter() - started, 2), "notes": parsed.notes},
        )
    primary = [s.page for s in parsed.signals if s.is_primary]
    secondary = [s.page for s in parsed.signals if s.is_candidate and not s.is_primary]
    tables_enabled = runtime.settings.enable_table_extraction and file_format == "pdf"
    if tables_enabled:
        _pdf_tables(runtime, document_id, path, primary, "tables", PARSED, PRIMARY_TABLES, statements)
    if runtime.settings.enable_financial_parsing and statements and (tables_enabled or file_format != "pdf"):
        _facts(runtime, document_id, statements)
    with _document(runtime, document_id) as (_, document):
        document.searchable_at = datetime.now(UTC)
        # The pages are kept with the stage so the second job need not parse the file again.
        later = (
            {"status": "queued", "pages": len(secondary), "page_numbers": secondary}
            if tables_enabled
            else {"status": "skipped"}
        )
        _touch(document, PRIMARY_TABLES, more_tables=later, vectors={"status": "queued"})
    return True


def reread_statements(runtime: EnterpriseRuntime, document_id: uuid.UUID) -> dict[str, Any]:
    """The document's facts and checks read again from its stored statement tables, without
    parsing or embedding anything: after the statement reader's rules change (new synonyms,
    periods), every filing gets them in seconds. Returns the facts stage."""
    with _document(runtime, document_id) as (session, document):
        statements = repository.statement_sections(session, document.enterprise_id, document.id)
    _facts(runtime, document_id, statements)
    with _document(runtime, document_id) as (_, document):
        return dict((document.stages or {}).get("facts", {}))


def _facts(runtime: EnterpriseRuntime, document_id: uuid.UUID, statements: dict[int, str]) -> None:
    """Financial facts and accounting checks from the statement tables just extracted."""
    started = time.perf_counter()
    try:
        with _document(runtime, document_id) as (session, document):
            summary = extract_document_facts(session, document, statements)
            _touch(
                document,
                facts={
                    "status": "done",
                    "statements": {str(page): kind for page, kind in summary.statements.items()},
                    "facts": summary.facts,
                    "checks_passed": summary.checks_passed,
                    "checks_failed": summary.checks_failed,
                    "seconds": round(time.perf_counter() - started, 2),
                },
            )
    except DocumentGoneError:
        raise
    except Exception as exc:
        # The document stays searchable without facts; the stage says why.
        log.exception("document.facts_error", document_id=str(document_id))
        with _document(runtime, document_id) as (_, document):
            _touch(document, facts={"status": "failed", "error": f"{type(exc).__name__}: {exc}"[:500]})


def statement_sections(parsed: ParsedDocument) -> dict[int, str]:
    """Financial statement pages and their titles; a continuation page keeps the title before it.
    A spreadsheet's or document's statements are its tables titled as one ("Balance general")."""
    if not parsed.signals:
        return {t.page: t.title[:300] for t in parsed.tables if statement_kind(t.title)}
    titles: dict[int, str] = {}
    for signal in parsed.signals:
        if signal.is_statement:
            title = signal.heading or titles.get(signal.page - 1) or "Consolidated financial statements"
            titles[signal.page] = " ".join(title.split())
    return {page: title[:300] for page, title in titles.items()}


def _apply_metadata(document: Document, parsed: ParsedDocument, filename: str) -> None:
    given = set(document.metadata_given or [])
    # A sheet's text is its name: its title lines ("Comercial Iberia S.L.") say whose it is.
    titles = [t.title for t in parsed.tables[:3]]
    inferred = infer_metadata("\n".join([*titles, *(p.text for p in parsed.pages[:3])]), filename)
    if "company" not in given:
        document.company = inferred.company
    if "fiscal_year" not in given:
        document.fiscal_year = inferred.fiscal_year
    if "period" not in given:
        document.period = inferred.period
    if "doc_type" not in given:
        document.doc_type = inferred.doc_type
    document.language = _language(parsed)


# Enough of a document to tell its language, however long it is.
LANGUAGE_SAMPLE_CHARS = 20_000


def _language(parsed: ParsedDocument) -> str | None:
    """The language of the document's words: its text, else its tables' titles and cells."""
    sample = "\n".join(p.text for p in parsed.pages)[:LANGUAGE_SAMPLE_CHARS]
    cells = (
        " ".join(c for c in [*t.header, *(cell for row in t.rows[:50] for cell in row)] if c) for t in parsed.tables
    )
    sample += "\n" + "\n".join([*(t.title for t in parsed.tables), *cells])[:LANGUAGE_SAMPLE_CHARS]
    letters = sum(ch.isalpha() for ch in sample)
    return detect_language(sample) if letters >= 20 else None


def _chunk_row(
    document: Document,
    ordinal: int,
    page: int,
    section: str,
    kind: ChunkKind,
    text: str,
    table_id: uuid.UUID | None,
    is_statement: bool = False,
) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "id": uuid.uuid4(),
        "enterprise_id": document.enterprise_id,
        "document_id": document.id,
        "ordinal": ordinal,
        "page": page,
        "section": section[:300],
        "is_statement": is_statement,
        "kind": kind,
        "text": text,
        "table_id": table_id,
        "language": document.language,
        "created_at": now,
        "updated_at": now,
    }


def _without_nul(grid: GridTable) -> GridTable:
    """The table with no NUL in its words (a glyph of no character): PostgreSQL refuses it."""
    cells = [grid.title, *grid.header, *(cell for row in grid.rows for cell in row)]
    if not any("\x00" in cell for cell in cells):
        return grid
    return replace(
        grid,
        title=grid.title.replace("\x00", " "),
        header=[cell.replace("\x00", " ") for cell in grid.header],
        rows=[[cell.replace("\x00", " ") for cell in row] for row in grid.rows],
    )


def _store_tables(
    session: Session,
    document: Document,
    tables: list[GridTable],
    first_ordinal: int,
    sections: dict[int, str] | None = None,
) -> None:
    rows: list[dict[str, Any]] = []
    ordinal = first_ordinal
    for grid in map(_without_nul, tables):
        table = ExtractedTable(
            enterprise_id=document.enterprise_id,
            document_id=document.id,
            page=grid.page,
            ordinal=grid.ordinal,
            sheet=grid.sheet,
            title=grid.title[:500],
            bbox=grid.bbox or None,
            scale=grid.scale,
            currency=grid.currency,
            header=grid.header,
            rows=grid.rows,
            values=grid.values,
        )
        session.add(table)
        session.flush()
        for piece in table_chunks(grid):
            section = (sections or {}).get(piece.page, piece.section)
            is_statement = piece.page in (sections or {})
            rows.append(
                _chunk_row(document, ordinal, piece.page, section, ChunkKind.TABLE, piece.text, table.id, is_statement)
            )
            ordinal += 1
    repository.add_chunks(session, rows)
    document.table_count += len(tables)
    document.chunk_count = repository.chunk_count(session, document.enterprise_id, document.id)


def _pdf_tables(
    runtime: EnterpriseRuntime,
    document_id: uuid.UUID,
    path: Any,
    pages: list[int],
    stage: str,
    start: int,
    end: int,
    sections: dict[int, str] | None = None,
) -> None:
    started = time.perf_counter()
    to_percent = _progress_between(start, end)
    with _document(runtime, document_id) as (_, document):
        _touch(document, start, **{stage: {"status": "running", "pages": len(pages), "pages_done": 0}})

    def on_page(done: int, total: int) -> None:
        with _document(runtime, document_id) as (_, document):
            _touch(document, to_percent(done, total), **{stage: {"pages_done": done}})

    tables = extract_tables(path, pages, on_page_done=on_page)
    with _document(runtime, document_id) as (session, document):
        next_ordinal = repository.chunk_count(session, document.enterprise_id, document.id)
        _store_tables(session, document, tables, first_ordinal=next_ordinal, sections=sections)
        seconds = round(time.perf_counter() - started, 2)
        _touch(document, end, **{stage: {"status": "done", "tables": len(tables), "seconds": seconds}})


def enrich_document(runtime: EnterpriseRuntime, document_id: uuid.UUID) -> None:
    """The remaining tables, then dense vectors; the document is ready when it ends."""
    try:
        _enrich(runtime, document_id)
    except DocumentGoneError:
        return
    except Exception as exc:
        log.exception("document.enrich_error", document_id=str(document_id))
        _fail(runtime, document_id, f"unexpected error while adding vectors ({type(exc).__name__}: {exc})"[:1000])


def _enrich(runtime: EnterpriseRuntime, document_id: uuid.UUID) -> None:
    with _document(runtime, document_id, claim=True) as (_, document):
        if not waits_for_enrichment(document):
            # Not searchable yet, finished, or taken by another copy of this job.
            log.info("document.enrich_skipped", document_id=str(document_id), status=document.status.value)
            return
        enterprise_id, sha256 = document.enterprise_id, document.sha256
        more = (document.stages or {}).get("more_tables", {})
        is_pdf = document.file_format == "pdf"
        # Taken: a copy of this job that comes later finds it so and leaves it.
        _touch(document, vectors={"status": "started", "worker": WORKER})
    if is_pdf and more.get("status") == "queued":
        pages = [int(page) for page in more.get("page_numbers", [])]
        with runtime.store.local_copy(enterprise_id, sha256) as path:
            _pdf_tables(runtime, document_id, path, pages, "more_tables", PRIMARY_TABLES, MORE_TABLES)
    _embed(runtime, document_id)
    with _document(runtime, document_id) as (session, document):
        document.status = DocumentStatus.READY
        document.ready_at = datetime.now(UTC)
        _touch(document, 100)
        events = _record_event(session, document, WebhookEvent.DOCUMENT_READY)
    log.info("document.ready", document_id=str(document_id))
    _events_recorded(runtime, events)


def _embed(runtime: EnterpriseRuntime, document_id: uuid.UUID) -> None:
    started = time.perf_counter()
    with _document(runtime, document_id) as (session, document):
        enterprise_id = document.enterprise_id
        chunks = [
            (c.id, c.text, {"document_id": str(c.document_id), "page": c.page, "kind": c.kind.value})
            for c in repository.chunks_of(session, enterprise_id, document.id)
        ]
        _touch(
            document,
            MORE_TABLES,
            vectors={"status": "running", "chunks": len(chunks), "chunks_done": 0, "worker": WORKER},
        )
    embedder = runtime.embedder()
    collection = collection_for(runtime.vector_client(), embedder, enterprise_id)
    # A re-indexed document: unchanged texts keep their vectors, the old ids go.
    stored, old_ids = reusable_vectors(collection, enterprise_id, document_id)
    current = {str(chunk_id) for chunk_id, _, _ in chunks}
    delete_vectors(collection, [i for i in old_ids if i not in current])
    to_percent = _progress_between(MORE_TABLES, VECTORS - 1)
    for _, text, metadata in chunks:
        metadata["text_key"] = text_key(text)
    reused = [c for c in chunks if c[2]["text_key"] in stored]
    if reused:
        vectors = [stored[str(metadata["text_key"])] for _, _, metadata in reused]
        add_vectors(collection, enterprise_id, [c for c, _, _ in reused], vectors, [m for _, _, m in reused])
        with _document(runtime, document_id) as (_, document):
            _touch(document, to_percent(len(reused), len(chunks)), vectors={"chunks_done": len(reused)})
    # By length over the whole document, so that each batch the model reads pads little
    # (3.5% of the word pieces were padding when sorted within each group of 64 only).
    fresh = sorted((c for c in chunks if c[2]["text_key"] not in stored), key=lambda c: len(c[1]))
    for start in range(0, len(fresh), EMBED_BATCH):
        batch = fresh[start : start + EMBED_BATCH]
        vectors = embedder.embed_documents([text for _, text, _ in batch])
        add_vectors(collection, enterprise_id, [c for c, _, _ in batch], vectors, [m for _, _, m in batch])
        done = len(reused) + start + len(batch)
        with _document(runtime, document_id) as (_, document):
            _touch(document, to_percent(done, len(chunks)), vectors={"chunks_done": done})
    with _document(runtime, document_id) as (_, document):
        seconds = round(time.perf_counter() - started, 2)
        _touch(
            document,
            VECTORS - 1,
            vectors={"status": "done", "seconds": seconds, "model": embedder.name, "reused": len(reused)},
        )
