from __future__ import annotations

import uuid

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from enterprise.database import SCHEMA, EnterpriseBase, TenantOwned


class FinancialFact(TenantOwned, EnterpriseBase):
    """One line item of a financial statement for one period, as printed."""

    __tablename__ = "financial_facts"
    __label__ = "fact"
    __table_args__ = (
        Index("ix_facts_lookup", "enterprise_id", "metric", "fiscal_year"),
        Index("ix_facts_document", "document_id"),
    )

    document_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(f"{SCHEMA}.documents.id", ondelete="CASCADE"))
    table_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    company: Mapped[str | None] = mapped_column(String(200), nullable=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    period_label: Mapped[str] = mapped_column(String(120))
    statement: Mapped[str] = mapped_column(String(30))
    section: Mapped[str] = mapped_column(String(300), default="")
    line_item: Mapped[str] = mapped_column(String(500))
    metric: Mapped[str | None] = mapped_column(String(60), nullable=True)
    value: Mapped[float] = mapped_column(Float)
    scale: Mapped[str | None] = mapped_column(String(20), nullable=True)
    unit: Mapped[str] = mapped_column(String(30))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    page: Mapped[int] = mapped_column(Integer)
    row: Mapped[int] = mapped_column(Integer)
    column: Mapped[int] = mapped_column(Integer)
    # The statement failed a core accounting check for this period.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)


class StatementCheck(TenantOwned, EnterpriseBase):
    """One accounting check of one statement and period of a filing."""

    __tablename__ = "statement_checks"
    __table_args__ = (Index("ix_statement_checks_document", "document_id"),)

    document_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(f"{SCHEMA}.documents.id", ondelete="CASCADE"))
    statement: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(300))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    actual: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    core: Mapped[bool] = mapped_column(Boolean)
    pages: Mapped[str] = mapped_column(String(100))
