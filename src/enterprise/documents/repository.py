"""All SQL of documents, their chunks (with the full-text index) and their tables."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, cast, delete, func, insert, select, text
from sqlalchemy.orm import Session

from enterprise.database import get_scoped, paginate, scoped
from enterprise.documents.models import (
    Chunk,
    Document,
    DocumentStatus,
    DocumentType,
    ExtractedTable,
    statement_index_words,
)

# A query of documents or of some of their columns.
AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class DocumentFilters:
    status: DocumentStatus | None = None
    doc_type: DocumentType | None = None
    company: str | None = None
    fiscal_year: int | None = None
    tag: str | None = None
    search: str | None = None
    uploaded_after: datetime | None = None
    uploaded_before: datetime | None = None
    tags: tuple[str, ...] = ()


def count_documents(session: Session, enterprise_id: uuid.UUID) -> int:
    query = select(func.count()).select_from(Document).where(Document.enterprise_id == enterprise_id)
    return int(session.scalar(query) or 0)


def document_by_sha(session: Session, enterprise_id: uuid.UUID, sha256: str) -> Document | None:
    return session.scalars(scoped(Document, enterprise_id).where(Document.sha256 == sha256)).one_or_none()


def document(session: Session, enterprise_id: uuid.UUID, document_id: object) -> Document:
    return get_scoped(session, Document, enterprise_id, document_id)


def documents(
    session: Session, enterprise_id: uuid.UUID, filters: DocumentFilters, limit: int, offset: int
) -> tuple[Sequence[Document], int]:
    query = _filtered(scoped(Document, enterprise_id), filters)
    order = [Document.created_at.desc(), Document.id]
    if filters.tag:
        # Tags are a JSON list: filtered here to stay portable between PostgreSQL and SQLite.
        tagged = [row for row in session.scalars(query.order_by(*order)).all() if filters.tag in (row.tags or [])]
        return tagged[offset : offset + limit], len(tagged)
    return paginate(session, query, order, limit, offset)


def _filtered(query: Select[Document], filters: DocumentFilters) -> Select[Document]:
    if filters.status is not None:
        query = query.where(Document.status == filters.status)
    if filters.doc_type is not None:
        query = query.where(Document.doc_type == filters.doc_type)
    if filters.company:
        query = query.where(func.lower(Document.company).contains(filters.company.lower()))
    if filters.fiscal_year is not None:
        query = query.where(Document.fiscal_year == filters.fiscal_year)
    if filters.search:
        query = query.where(func.lower(Document.filename).contains(filters.search.lower()))
    if filters.uploaded_after is not None:
        query = query.where(Document.created_at >= filters.uploaded_after)
    if filters.uploaded_before is not None:
        query = query.where(Document.created_at < filters.uploaded_before)
    return query


def _searchable_rows(query: AnySelect, filters: DocumentFilters, document_ids: Sequence[uuid.UUID] | None) -> AnySelect:
    query = _filtered(query, filters).where(Document.searchable_at.is_not(None), Document.chunk_count > 0)
    if document_ids is not None:
        query = query.where(Document.id.in_(list(document_ids)))
    return query


def _searchable(query: AnySelect, filters: DocumentFilters, document_ids: Sequence[uuid.UUID] | None) -> AnySelect:
    return _searchable_rows(query, filters, document_ids).order_by(Document.created_at, Document.id)


def searchable_version_keys(
    session: Session, enterprise_id: uuid.UUID, filters: DocumentFilters, document_ids: Sequence[uuid.UUID] | None
) -> list[tuple[str, str]]:
    """(id, last change) of the searchable documents (chunks in the full-text index) within
    `filters` and `document_ids`, as the database prints them (no value made of each, 10,000 rows
    a question at most): the same pair, the same document unchanged."""
    if document_ids is not None and not document_ids:
        return []
    keys = _version_keys()
    if filters.tags:
        tagged = select(*keys, Document.tags).where(Document.enterprise_id == enterprise_id)
        wanted = set(filters.tags)
        return [
            (key, version)
            for key, version, tags in session.execute(_searchable(tagged, filters, document_ids)).all()
            if wanted.issubset(tags or [])
        ]
    columns = select(*keys).where(Document.enterprise_id == enterprise_id)
    return [(key, version) for key, version in session.execute(_searchable(columns, filters, document_ids))]


def _version_keys() -> tuple[Any, Any]:
    return cast(Document.id, String).label("id_key"), cast(Document.updated_at, String).label("version_key")


def documents_with_version_keys(
    session: Session, enterprise_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[tuple[Document, str, str]]:
    """The documents with their `searchable_version_keys` pair."""
    query = select(Document, *_version_keys())
    rows = session.execute(query.where(Document.enterprise_id == enterprise_id, Document.id.in_(ids)))
    return [(document, key, version) for document, key, version in rows]


def searchable_stamp(
    session: Session, enterprise_id: uuid.UUID, filters: DocumentFilters, document_ids: Sequence[uuid.UUID] | None
) -> str:
    """A digest of `searchable_version_keys` for the filters other than tags (a tag edit is a
    change): the same stamp, the same documents unchanged. PostgreSQL computes it without sending
    a row: an enterprise holds up to 10,000 documents."""
    if document_ids is not None and not document_ids:
        return ""
    untagged = replace(filters, tags=())
    if session.get_bind().dialect.name != "postgresql":
        return _keys_digest(searchable_version_keys(session, enterprise_id, untagged, document_ids))
    row = func.concat(cast(Document.id, String), "@", cast(Document.updated_at, String))
    digest = select(func.count(), func.sum(func.hashtextextended(row, 0))).where(
        Document.enterprise_id == enterprise_id
    )
    count, total = session.execute(_searchable_rows(digest, untagged, document_ids)).one()
    return f"{count}:{total}"


def _keys_digest(keys: Sequence[tuple[str, str]]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for key, version in keys:
        digest.update(f"{key}@{version};".encode())
    return digest.hexdigest()


def documents_by_ids(session: Session, enterprise_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> Sequence[Document]:
    return session.scalars(scoped(Document, enterprise_id).where(Document.id.in_(ids))).all()


def unfinished_documents(session: Session) -> Sequence[Document]:
    """Documents queued or being processed, across enterprises, oldest heartbeat first: only the
    job reaper reads this."""
    return session.scalars(
        select(Document)
        .where(Document.status.in_([DocumentStatus.QUEUED, DocumentStatus.PROCESSING]))
        .order_by(Document.heartbeat_at)
    ).all()


def add_chunks(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    session.execute(insert(Chunk), rows)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text(
                "INSERT INTO enterprise.chunk_fts (chunk_id, enterprise_id, document_id, section, text) "
                "VALUES (:chunk_id, :enterprise_id, :document_id, :section, :text)"
            ),
            [
                {
                    "chunk_id": row["id"].hex,
                    "enterprise_id": row["enterprise_id"].hex,
                    "document_id": row["document_id"].hex,
                    "section": statement_index_words(row["section"]) if row["is_statement"] else row["section"],
                    "text": row["text"],
                }
                for row in rows
            ],
        )


def chunks_of(session: Session, enterprise_id: uuid.UUID, document_id: uuid.UUID) -> Sequence[Chunk]:
    query = scoped(Chunk, enterprise_id).where(Chunk.document_id == document_id).order_by(Chunk.ordinal)
    return session.scalars(query).all()


def chunks_on_pages(
    session: Session, enterprise_id: uuid.UUID, document_id: uuid.UUID, pages: Sequence[int]
) -> Sequence[Chunk]:
    query = scoped(Chunk, enterprise_id).where(Chunk.document_id == document_id, Chunk.page.in_(list(pages)))
    return session.scalars(query.order_by(Chunk.ordinal)).all()


def statement_sections(session: Session, enterprise_id: uuid.UUID, document_id: uuid.UUID) -> dict[int, str]:
    """Page → the title of the financial statement its chunks were indexed under."""
    rows = session.execute(
        select(Chunk.page, Chunk.section)
        .where(
            Chunk.enterprise_id == enterprise_id,
            Chunk.document_id == document_id,
            Chunk.is_statement.is_(True),
        )
        .distinct()
    )
    return {page: section for page, section in rows}


def first_pages_text(session: Session, enterprise_id: uuid.UUID, document_id: uuid.UUID, pages: int = 2) -> str:
    """The text chunks of the document's first pages (its cover), in order."""
    rows = session.scalars(
        select(Chunk.text)
        .where(Chunk.enterprise_id == enterprise_id, Chunk.document_id == document_id, Chunk.page <= pages)
        .order_by(Chunk.ordinal)
    )
    return "\n".join(rows)


def chunk_count(session: Session, enterprise_id: uuid.UUID, document_id: uuid.UUID) -> int:
    query = select(func.count()).select_from(Chunk)
    query = query.where(Chunk.enterprise_id == enterprise_id, Chunk.document_id == document_id)
    return int(session.scalar(query) or 0)


def delete_chunks(session: Session, enterprise_id: uuid.UUID, document_id: uuid.UUID) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            text("DELETE FROM enterprise.chunk_fts WHERE enterprise_id = :e AND document_id = :d"),
            {"e": enterprise_id.hex, "d": document_id.hex},
        )
    session.execute(delete(Chunk).where(Chunk.enterprise_id == enterprise_id, Chunk.document_id == document_id))


def add_tables(session: Session, tables: list[ExtractedTable]) -> None:
    session.add_all(tables)
    session.flush()


def tables_of(session: Session, enterprise_id: uuid.UUID, document_id: uuid.UUID) -> Sequence[ExtractedTable]:
    query = scoped(ExtractedTable, enterprise_id).where(ExtractedTable.document_id == document_id)
    return session.scalars(query.order_by(ExtractedTable.page, ExtractedTable.ordinal)).all()


def delete_tables(session: Session, enterprise_id: uuid.UUID, document_id: uuid.UUID) -> None:
    session.execute(
        delete(ExtractedTable).where(
            ExtractedTable.enterprise_id == enterprise_id, ExtractedTable.document_id == document_id
        )
    )


def delete_document_rows(session: Session, document: Document) -> None:
    delete_chunks(session, document.enterprise_id, document.id)
    delete_tables(session, document.enterprise_id, document.id)
    session.delete(document)


def chunks_by_ids(session: Session, enterprise_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> Sequence[Chunk]:
    if not ids:
        return []
    return session.scalars(scoped(Chunk, enterprise_id).where(Chunk.id.in_(ids))).all()
