"""The SQL of analytics: the rows each result is computed from, their data version, the cache."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from enterprise.analytics.models import AnalyticsCacheEntry
from enterprise.answers.models import QueryRecord
from enterprise.auth.models import User
from enterprise.database import scoped
from enterprise.documents.models import Document
from enterprise.finance.models import FinancialFact, StatementCheck

# The tables whose rows each kind of result is computed from.
SOURCES: dict[str, tuple[type[Any], ...]] = {
    "queries": (QueryRecord,),
    "documents": (Document,),
    "facts": (FinancialFact, StatementCheck, Document),
}


def data_version(session: Session, enterprise_id: uuid.UUID, source: str) -> str:
    """How many rows the source tables hold and when the last one changed: any insert, update or
    delete of the enterprise's rows changes it."""
    parts: list[str] = []
    for model in SOURCES[source]:
        count, latest = session.execute(
            select(func.count(model.id), func.max(model.updated_at)).where(model.enterprise_id == enterprise_id)
        ).one()
        parts.append(f"{model.__tablename__}:{count}:{latest.isoformat() if latest else '-'}")
    return ";".join(parts)


def cached(session: Session, enterprise_id: uuid.UUID, key: str) -> AnalyticsCacheEntry | None:
    return session.scalars(
        scoped(AnalyticsCacheEntry, enterprise_id).where(AnalyticsCacheEntry.key == key)
    ).one_or_none()


def store(session: Session, entry: AnalyticsCacheEntry) -> None:
    """Keep the result in place of the key's last one. Two processes computing the same result at
    once (two readers, or a reader and the refresher) both hold a correct one: whichever stores
    second finds the key taken and leaves the first."""
    try:
        with session.begin_nested():
            session.execute(
                delete(AnalyticsCacheEntry).where(
                    AnalyticsCacheEntry.enterprise_id == entry.enterprise_id, AnalyticsCacheEntry.key == entry.key
                )
            )
            session.add(entry)
            session.flush()
    except IntegrityError:
        return  # the savepoint's rollback took the entry back out of the session


def recently_read(session: Session, since: datetime) -> Sequence[AnalyticsCacheEntry]:
    """Results members read since then, across enterprises: only the worker's refresher reads this."""
    return session.scalars(select(AnalyticsCacheEntry).where(AnalyticsCacheEntry.read_at >= since)).all()


def query_rows(session: Session, enterprise_id: uuid.UUID, since: datetime, until: datetime) -> Sequence[Any]:
    return session.execute(
        select(
            QueryRecord.created_at,
            QueryRecord.user_id,
            QueryRecord.question,
            QueryRecord.found,
            QueryRecord.mode,
            QueryRecord.latency_ms,
            QueryRecord.prompt_tokens,
            QueryRecord.completion_tokens,
            QueryRecord.feedback,
        )
        .where(
            QueryRecord.enterprise_id == enterprise_id,
            QueryRecord.created_at >= since,
            QueryRecord.created_at < until,
        )
        # In the order asked: of two wordings asked as often, the first asked names the question.
        .order_by(QueryRecord.created_at, QueryRecord.id)
    ).all()


def member_emails(session: Session, enterprise_id: uuid.UUID) -> dict[uuid.UUID, str]:
    rows = session.execute(select(User.id, User.email).where(User.enterprise_id == enterprise_id))
    return {user_id: email for user_id, email in rows}


def document_rows(session: Session, enterprise_id: uuid.UUID) -> Sequence[Any]:
    return session.execute(
        select(
            Document.id,
            Document.filename,
            Document.doc_type,
            Document.status,
            Document.company,
            Document.fiscal_year,
            Document.created_at,
            Document.updated_at,
            Document.size_bytes,
            Document.pages,
            Document.pages_without_text,
            Document.error,
        ).where(Document.enterprise_id == enterprise_id)
    ).all()


def failed_checks(session: Session, enterprise_id: uuid.UUID) -> Sequence[Any]:
    return session.execute(
        select(
            StatementCheck.document_id,
            Document.filename,
            Document.company,
            StatementCheck.statement,
            StatementCheck.name,
            StatementCheck.fiscal_year,
            StatementCheck.expected,
            StatementCheck.actual,
            StatementCheck.pages,
        )
        .join(Document, Document.id == StatementCheck.document_id)
        .where(StatementCheck.enterprise_id == enterprise_id, StatementCheck.passed.is_(False), StatementCheck.core)
        .order_by(Document.filename, StatementCheck.fiscal_year.desc())
    ).all()
