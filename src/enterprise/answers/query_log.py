"""The query log and the token quota: each answer given (question, answer, citations, mode,
latency, tokens, feedback) and each month's language-model tokens against the enterprise's quota."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from enterprise.answers import repository
from enterprise.answers.extractive import Draft
from enterprise.answers.models import AnswerMode, Feedback, QueryRecord
from enterprise.auth.models import Enterprise, Role, User
from shared.errors import NotFoundError, QuotaExceededError


def current_month(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y-%m")


def check_quota(session: Session, enterprise_id: uuid.UUID) -> None:
    """429 before any model call once the enterprise has used its month's tokens."""
    used = enterprise_usage(session, enterprise_id)
    if used.total_tokens >= used.monthly_token_quota:
        raise QuotaExceededError(
            f"this enterprise has used its {used.monthly_token_quota:,} language-model tokens for "
            f"{used.month}; answers resume next month, or ask your provider for a higher quota",
            used_tokens=used.total_tokens,
            monthly_token_quota=used.monthly_token_quota,
        )


def list_queries(
    session: Session, user: User, filters: repository.QueryLogFilters, limit: int, offset: int
) -> tuple[list[QueryRecord], int]:
    rows, total = repository.queries(session, user.enterprise_id, filters, limit, offset)
    return list(rows), total


def get_query(session: Session, user: User, query_id: object) -> QueryRecord:
    record = repository.query(session, user.enterprise_id, query_id)
    if user.role != Role.ADMIN and record.user_id != user.id:
        # Another member's question is not this user's to read: indistinguishable from none.
        raise NotFoundError(f"query {query_id} not found")
    return record


def give_feedback(session: Session, user: User, query_id: object, rating: Feedback, comment: str | None) -> QueryRecord:
    record = get_query(session, user, query_id)
    record.feedback = rating
    record.feedback_comment = comment
    record.feedback_at = datetime.now(UTC)
    return record


@dataclass(frozen=True)
class Usage:
    month: str
    prompt_tokens: int
    completion_tokens: int
    requests: int
    monthly_token_quota: int

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def remaining_tokens(self) -> int:
        return max(0, self.monthly_token_quota - self.total_tokens)


def usage_of(session: Session, user: User) -> Usage:
    return enterprise_usage(session, user.enterprise_id)


def enterprise_usage(session: Session, enterprise_id: uuid.UUID) -> Usage:
    """This month's tokens against the quota: what the quota check and `GET /usage` both read."""
    enterprise = session.get(Enterprise, enterprise_id)
    assert enterprise is not None
    month = current_month()
    row = repository.usage(session, enterprise_id, month)
    if row is None:
        return Usage(month, 0, 0, 0, enterprise.monthly_token_quota)
    return Usage(month, row.prompt_tokens, row.completion_tokens, row.requests, enterprise.monthly_token_quota)


@dataclass(frozen=True)
class Asked:
    """What the log keeps of a question: its words, the request's other fields, when it started."""

    text: str
    request: dict[str, Any]
    started: float  # time.perf_counter() when the question arrived


def record_answer(
    session: Session,
    user: User,
    asked: Asked,
    draft: Draft,
    mode: AnswerMode,
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
) -> QueryRecord:
    """Log the answer given, and count the model's tokens against the month."""
    if prompt_tokens or completion_tokens:
        repository.add_usage(session, user.enterprise_id, current_month(), prompt_tokens, completion_tokens)
    record = QueryRecord(
        enterprise_id=user.enterprise_id,
        user_id=user.id,
        question=asked.text,
        request=asked.request,
        answer=draft.answer,
        value=draft.value,
        unit=draft.unit,
        mode=mode,
        citations=[
            {
                "document_id": str(c.document.id),
                "filename": c.document.filename,
                "page": c.page,
                "snippet": c.snippet,
                "score": round(c.score, 4),
            }
            for c in draft.citations
        ],
        note=" ".join(draft.notes) or None,
        found=draft.found,
        latency_ms=int((time.perf_counter() - asked.started) * 1000),
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
    )
    repository.add_query(session, record)
    return record
