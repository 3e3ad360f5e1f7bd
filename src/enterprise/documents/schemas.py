from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from enterprise.documents.models import DocumentSource, DocumentStatus, DocumentType

MAX_TAGS = 20


def _clean_tags(value: Any) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    tags = []
    for item in items:
        tag = str(item).strip()
        if tag and tag not in tags:
            if len(tag) > 50:
                raise ValueError("each tag is at most 50 characters")
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags")
    return tags


class DocumentMetadataIn(BaseModel):
    """What an uploader or editor may state about a document; unset fields are inferred."""

    model_config = ConfigDict(extra="forbid")

    doc_type: DocumentType | None = None
    company: str | None = Field(default=None, min_length=1, max_length=200)
    fiscal_year: int | None = Field(default=None, ge=1900, le=2100)
    period: str | None = Field(default=None, max_length=40)
    tags: list[str] | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> list[str] | None:
        return None if value is None else _clean_tags(value)

    def given_fields(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    filename: str
    file_format: str
    content_type: str
    size_bytes: int
    sha256: str
    doc_type: DocumentType
    company: str | None
    fiscal_year: int | None
    period: str | None
    language: str | None = None  # "es" or "en", as read from its text
    tags: list[str]
    source: DocumentSource
    origin: dict[str, Any] | None = Field(
        default=None,
        description="for a synced document: its connector, path, owner, modified time and link at the source",
    )
    status: DocumentStatus
    progress: int
    stages: dict[str, Any]
    searchable: bool
    error: str | None
    pages: int
    pages_without_text: int
    chunks: int = Field(validation_alias="chunk_count")
    tables: int = Field(validation_alias="table_count")
    uploaded_by_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    searchable_at: datetime | None
    ready_at: datetime | None


class DocumentPage(BaseModel):
    items: list[DocumentOut]
    total: int
    limit: int
    offset: int


class TableOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    page: int
    ordinal: int
    sheet: str | None
    title: str
    bbox: list[float] | None
    scale: str | None
    header: list[str]
    rows: list[list[str]]
    values: list[list[float | None]]
