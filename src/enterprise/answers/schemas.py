from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from enterprise.answers.models import AnswerMode, Feedback
from enterprise.documents.models import DocumentType
from shared.request_guards import UTCTimestamp

MAX_DOCUMENT_IDS = 200


class QueryFilters(BaseModel):
    """Narrow the documents a question draws on; all given conditions must hold."""

    model_config = ConfigDict(extra="forbid")

    doc_type: DocumentType | None = None
    company: str | None = Field(default=None, min_length=1, max_length=200)
    fiscal_year: int | None = Field(default=None, ge=1900, le=2100)
    tags: list[str] = Field(default_factory=list, max_length=20)
    uploaded_after: UTCTimestamp | None = None
    uploaded_before: UTCTimestamp | None = None

    @model_validator(mode="after")
    def _date_range(self) -> QueryFilters:
        if self.uploaded_after and self.uploaded_before and self.uploaded_after >= self.uploaded_before:
            raise ValueError("uploaded_after must be before uploaded_before")
        return self


class QueryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=2000)
    document_ids: list[uuid.UUID] | None = Field(default=None, max_length=MAX_DOCUMENT_IDS)
    filters: QueryFilters = Field(default_factory=QueryFilters)
    top_k: int = Field(default=5, ge=1, le=20)
    stream: bool = Field(default=False, description="answer as server-sent events (also: Accept: text/event-stream)")

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the question is empty")
        return value.strip()


class CitationOut(BaseModel):
    document_id: uuid.UUID
    filename: str
    page: int = Field(description="1-based page of the file")
    snippet: str
    score: float


class QueryOut(BaseModel):
    answer: str
    value: float | None
    unit: str | None
    mode: AnswerMode
    citations: list[CitationOut]
    facts: list[dict[str, Any]]
    query_id: uuid.UUID
    found: bool
    language: str
    note: str | None = None
    latency_ms: int


class QueryRecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    user_id: uuid.UUID | None
    question: str
    answer: str
    value: float | None
    unit: str | None
    mode: AnswerMode
    citations: list[dict[str, Any]]
    found: bool
    note: str | None
    latency_ms: int
    prompt_tokens: int
    completion_tokens: int
    feedback: Feedback | None
    feedback_comment: str | None
    created_at: datetime


class QueryPage(BaseModel):
    items: list[QueryRecordOut]
    total: int
    limit: int
    offset: int


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Feedback
    comment: str | None = Field(default=None, max_length=2000)


class UsageOut(BaseModel):
    month: str
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    requests: int
    monthly_token_quota: int
    remaining_tokens: int


class SearchHitOut(BaseModel):
    document_id: uuid.UUID
    filename: str
    page: int
    section: str
    is_statement: bool = Field(description="The page is a financial statement; `section` is its title.")
    kind: str
    snippet: str
    score: float
