"""All SQL of the query log and of LLM token usage."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from enterprise.answers.models import AnswerMode, Feedback, QueryRecord, TokenUsage
from enterprise.database import get_scoped, paginate, scoped


@dataclass(frozen=True)
class QueryLogFilters:
    user_id: uuid.UUID | None = None
    mode: AnswerMode | None = None
    feedback: Feedback | None = None
    found: bool | None = None
    search: str | None = None
    after: datetime | None = None
    before: datetime | None = None


def add_query(session: Session, record: QueryRecord) -> QueryRecord:
    session.add(record)
    session.flush()
    return record


def query(session: Session, enterprise_id: uuid.UUID, query_id: object) -> QueryRecord:
    return get_scoped(session, QueryRecord, enterprise_id, query_id)


def queries(
    session: Session, enterprise_id: uuid.UUID, filters: QueryLogFilters, limit: int, offset: int
) -> tuple[Sequence[QueryRecord], int]:
    statement = scoped(QueryRecord, enterprise_id)
    if filters.user_id is not None:
        statement = statement.where(QueryRecord.user_id == filters.user_id)
    if filters.mode is not None:
        statement = statement.where(QueryRecord.mode == filters.mode)
    if filters.feedback is not None:
        statement = statement.where(QueryRecord.feedback == filters.feedback)
    if filters.found is not None:
        statement = statement.where(QueryRecord.found == filters.found)
    if filters.search:
        statement = statement.where(func.lower(QueryRecord.question).contains(filters.search.lower()))
    if filters.after is not None:
        statement = statement.where(QueryRecord.created_at >= filters.after)
    if filters.before is not None:
        statement = statement.where(QueryRecord.created_at < filters.before)
    return paginate(session, statement, [QueryRecord.created_at.desc(), QueryRecord.id], limit, offset)


def usage(session: Session, enterprise_id: uuid.UUID, month: str) -> TokenUsage | None:
    return session.scalars(scoped(TokenUsage, enterprise_id).where(TokenUsage.month == month)).one_or_none()


def add_usage(session: Session, enterprise_id: uuid.UUID, month: str, prompt: int, completion: int) -> None:
    row = usage(session, enterprise_id, month)
    if row is None:
        try:
            with session.begin_nested():
                row = TokenUsage(
                    enterprise_id=enterprise_id, month=month, prompt_tokens=0, completion_tokens=0, requests=0
                )
                session.add(row)
        except IntegrityError:
            # Another request created the month's row first.
            row = usage(session, enterprise_id, month)
            assert row is not None
    # Added in SQL, so concurrent answers of one enterprise never lose each other's tokens.
    session.execute(
        update(TokenUsage)
        .where(TokenUsage.id == row.id, TokenUsage.enterprise_id == enterprise_id)
        .values(
            prompt_tokens=TokenUsage.prompt_tokens + prompt,
            completion_tokens=TokenUsage.completion_tokens + completion,
            requests=TokenUsage.requests + 1,
        )
        .execution_options(synchronize_session=False)
    )
    session.expire(row)
