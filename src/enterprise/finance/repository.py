"""All SQL of financial facts and statement checks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import RowMapping, delete, func, select
from sqlalchemy.orm import Session

from enterprise.database import scoped
from enterprise.documents.models import Document
from enterprise.finance.models import FinancialFact, StatementCheck


@dataclass(frozen=True)
class FactFilters:
    company: str | None = None
    fiscal_year: int | None = None
    metric: str | None = None
    statement: str | None = None
    document_id: uuid.UUID | None = None


def delete_for_document(session: Session, enterprise_id: uuid.UUID, document_id: uuid.UUID) -> None:
    for model in (FinancialFact, StatementCheck):
        session.execute(delete(model).where(model.enterprise_id == enterprise_id, model.document_id == document_id))


def add_all(session: Session, rows: Sequence[FinancialFact | StatementCheck]) -> None:
    session.add_all(rows)
    session.flush()


def facts(
    session: Session, enterprise_id: uuid.UUID, filters: FactFilters, limit: int | None = None, offset: int = 0
) -> tuple[Sequence[FinancialFact], int]:
    query = scoped(FinancialFact, enterprise_id)
    if filters.company:
        query = query.where(func.lower(FinancialFact.company).contains(filters.company.lower()))
    if filters.fiscal_year is not None:
        query = query.where(FinancialFact.fiscal_year == filters.fiscal_year)
    if filters.metric:
        query = query.where(FinancialFact.metric == filters.metric)
    if filters.statement:
        query = query.where(FinancialFact.statement == filters.statement)
    if filters.document_id is not None:
        query = query.where(FinancialFact.document_id == filters.document_id)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    query = query.order_by(
        FinancialFact.company, FinancialFact.fiscal_year.desc(), FinancialFact.page, FinancialFact.row, FinancialFact.id
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return session.scalars(query).all(), total


# The columns a book of facts holds (`books.HeldFact`): no ORM object made of each of hundreds.
_HELD_COLUMNS = (
    FinancialFact.document_id, FinancialFact.company, FinancialFact.fiscal_year, FinancialFact.period_label,
    FinancialFact.statement, FinancialFact.section, FinancialFact.line_item, FinancialFact.metric,
    FinancialFact.value, FinancialFact.scale, FinancialFact.unit, FinancialFact.currency, FinancialFact.page,
    FinancialFact.row, FinancialFact.column, FinancialFact.flagged,
)  # fmt: skip


def fact_values_of_documents(
    session: Session, enterprise_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
) -> Sequence[RowMapping]:
    """The facts of the documents as plain rows, in the order a statement prints them."""
    if not document_ids:
        return []
    query = (
        select(*_HELD_COLUMNS)
        .where(FinancialFact.enterprise_id == enterprise_id, FinancialFact.document_id.in_(list(document_ids)))
        .order_by(FinancialFact.page, FinancialFact.row, FinancialFact.column)
    )
    return session.execute(query).mappings().all()


def documents_with_facts(session: Session, enterprise_id: uuid.UUID) -> set[uuid.UUID]:
    query = select(FinancialFact.document_id).where(FinancialFact.enterprise_id == enterprise_id).distinct()
    return set(session.scalars(query))


def checks_of(session: Session, enterprise_id: uuid.UUID, document_id: uuid.UUID) -> Sequence[StatementCheck]:
    query = scoped(StatementCheck, enterprise_id).where(StatementCheck.document_id == document_id)
    return session.scalars(
        query.order_by(StatementCheck.statement, StatementCheck.fiscal_year.desc(), StatementCheck.name)
    ).all()


@dataclass(frozen=True)
class CompanyYears:
    company: str
    first_year: int
    last_year: int
    documents: int


def companies(session: Session, enterprise_id: uuid.UUID) -> list[CompanyYears]:
    """The companies whose statements the enterprise's documents hold, by the documents' company."""
    query = (
        select(
            Document.company,
            func.min(FinancialFact.fiscal_year),
            func.max(FinancialFact.fiscal_year),
            func.count(func.distinct(Document.id)),
        )
        .join(Document, Document.id == FinancialFact.document_id)
        .where(
            FinancialFact.enterprise_id == enterprise_id,
            Document.enterprise_id == enterprise_id,
            Document.company.is_not(None),
        )
        .group_by(Document.company)
        .order_by(Document.company)
    )
    return [CompanyYears(str(c), int(lo), int(hi), int(n)) for c, lo, hi, n in session.execute(query)]
