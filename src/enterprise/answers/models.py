from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from enterprise.database import SCHEMA, EnterpriseBase, TenantOwned, string_enum
from shared.database import UTCDateTime


class AnswerMode(enum.StrEnum):
    EXTRACTIVE = "extractive"
    LLM = "llm"
    FACTS = "facts"


class SearchMode(enum.StrEnum):
    """How `GET /search` matches passages: by their words, or by meaning (dense vectors)."""

    WORDS = "words"
    MEANING = "meaning"


class Feedback(enum.StrEnum):
    UP = "up"
    DOWN = "down"


class QueryRecord(TenantOwned, EnterpriseBase):
    """One question asked, and what it was answered: the query log."""

    __tablename__ = "queries"
    __label__ = "query"
    __table_args__ = (Index("ix_queries_enterprise_created", "enterprise_id", "created_at"),)

    user_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    question: Mapped[str] = mapped_column(Text)
    request: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    answer: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str | None] = mapped_column(String(40), nullable=True)
    mode: Mapped[AnswerMode] = mapped_column(string_enum(AnswerMode, "answer_mode"))
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    found: Mapped[bool] = mapped_column(default=True)
    latency_ms: Mapped[int] = mapped_column(Integer)
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    feedback: Mapped[Feedback | None] = mapped_column(string_enum(Feedback, "query_feedback"), nullable=True)
    feedback_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TokenUsage(TenantOwned, EnterpriseBase):
    """LLM tokens an enterprise used in one calendar month (UTC), for its quota."""

    __tablename__ = "token_usage"
    __table_args__ = (UniqueConstraint("enterprise_id", "month"),)

    month: Mapped[str] = mapped_column(String(7))
    prompt_tokens: Mapped[int] = mapped_column(Integer, default=0)
    completion_tokens: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens
