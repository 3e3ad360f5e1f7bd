from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from enterprise.database import SCHEMA, EnterpriseBase, TenantOwned, string_enum
from shared.database import UTCDateTime

# Chunks of a financial statement page carry this before the statement's title as their section.
# A statement page's chunks are indexed under these words too, so that a question about "the
# financial statements" finds them whatever the statement's own title says.
STATEMENT_INDEX_WORDS = "Financial statement"


def statement_index_words(title: str) -> str:
    """What the full-text index reads as a statement chunk's section."""
    return f"{STATEMENT_INDEX_WORDS}: {title}"


class DocumentStatus(enum.StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class DocumentType(enum.StrEnum):
    BALANCE = "balance"
    CONTRACT = "contract"
    REPORT = "report"
    OTHER = "other"


class DocumentSource(enum.StrEnum):
    UPLOAD = "upload"
    CONNECTOR = "connector"


class ChunkKind(enum.StrEnum):
    TEXT = "text"
    TABLE = "table"


class Document(TenantOwned, EnterpriseBase):
    __tablename__ = "documents"
    __label__ = "document"
    __table_args__ = (UniqueConstraint("enterprise_id", "sha256"),)

    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    doc_type: Mapped[DocumentType] = mapped_column(string_enum(DocumentType, "document_type"))
    company: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    fiscal_year: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    period: Mapped[str | None] = mapped_column(String(40), nullable=True)
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Which fields the uploader (or an editor) set, so re-parsing never overwrites them.
    metadata_given: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[DocumentSource] = mapped_column(string_enum(DocumentSource, "document_source"))
    # Where a synced document lives at its source: connector, path, owner, modified time, link.
    origin: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    status: Mapped[DocumentStatus] = mapped_column(string_enum(DocumentStatus, "document_status"), index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    stages: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    pages_without_text: Mapped[int] = mapped_column(Integer, default=0)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    table_count: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.users.id", ondelete="SET NULL"), nullable=True
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    searchable_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def searchable(self) -> bool:
        return self.searchable_at is not None and self.chunk_count > 0


class Chunk(TenantOwned, EnterpriseBase):
    __tablename__ = "chunks"
    __table_args__ = (Index("ix_chunks_document_ordinal", "document_id", "ordinal"),)

    document_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(f"{SCHEMA}.documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    page: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(300), default="")
    # On a financial statement page; its section is then the statement's title.
    is_statement: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    kind: Mapped[ChunkKind] = mapped_column(string_enum(ChunkKind, "chunk_kind"))
    text: Mapped[str] = mapped_column(Text)
    table_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    # Its document's language: PostgreSQL's full-text index stems it in that language.
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)


class ExtractedTable(TenantOwned, EnterpriseBase):
    __tablename__ = "tables"
    __label__ = "table"
    __table_args__ = (Index("ix_tables_document_page", "document_id", "page"),)

    document_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(f"{SCHEMA}.documents.id", ondelete="CASCADE"))
    page: Mapped[int] = mapped_column(Integer)
    ordinal: Mapped[int] = mapped_column(Integer)
    sheet: Mapped[str | None] = mapped_column(String(200), nullable=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    bbox: Mapped[list[float] | None] = mapped_column(JSON, nullable=True)
    scale: Mapped[str | None] = mapped_column(String(20), nullable=True)
    currency: Mapped[str | None] = mapped_column(String(3), nullable=True)
    header: Mapped[list[str]] = mapped_column(JSON, default=list)
    rows: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    values: Mapped[list[list[float | None]]] = mapped_column(JSON, default=list)
