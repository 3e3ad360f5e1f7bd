from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class FactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    document_id: uuid.UUID
    company: str | None
    fiscal_year: int
    period_label: str
    statement: str
    section: str
    line_item: str = Field(description="as printed")
    metric: str | None = Field(description="canonical metric, when the line item is one")
    value: float = Field(description="as printed, with its sign, in `scale`")
    scale: str | None
    unit: str
    currency: str
    page: int = Field(description="1-based page of the file")
    flagged: bool = Field(description="the statement failed a core accounting check for this period")


class FactPage(BaseModel):
    items: list[FactOut]
    total: int
    limit: int
    offset: int


class MetricInputOut(BaseModel):
    line_item: str
    fiscal_year: int
    value: float
    unit: str
    page: int
    flagged: bool


class MetricOut(BaseModel):
    company: str | None
    document_id: uuid.UUID
    filename: str
    fiscal_year: int
    metric: str
    label: str
    value: float
    unit: str
    formula: str
    flagged: bool
    inputs: list[MetricInputOut]


class StatementOut(BaseModel):
    statement: str
    pages: list[int]
    facts: int
    fiscal_years: list[int]
    flagged: bool


class CheckOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    statement: str
    name: str
    fiscal_year: int
    expected: float
    actual: float
    passed: bool
    core: bool = Field(description="a core identity: when it fails, the statement's facts are flagged")
    pages: str


class DocumentStatementsOut(BaseModel):
    document_id: uuid.UUID
    filename: str
    statements: list[StatementOut]
    checks: list[CheckOut]
    checks_passed: int
    checks_failed: int


class CompanyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    company: str
    first_year: int = Field(description="earliest fiscal year of its statements")
    last_year: int = Field(description="latest fiscal year of its statements")
    documents: int = Field(description="documents holding its statements")
