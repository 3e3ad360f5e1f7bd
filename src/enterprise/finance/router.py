from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from enterprise.audit import service as audit
from enterprise.audit.service import Action, Actor
from enterprise.auth.models import User
from enterprise.dependencies import ClientIp, CurrentUser, DbSession, Runtime
from enterprise.exports import EXPORT_RESPONSES, ExportFormat, download
from enterprise.finance import service
from enterprise.finance.metrics import money_unit
from enterprise.finance.repository import FactFilters
from enterprise.finance.schemas import (
    CheckOut,
    CompanyOut,
    DocumentStatementsOut,
    FactOut,
    FactPage,
    MetricInputOut,
    MetricOut,
    StatementOut,
)
from shared.request_guards import Offset

router = APIRouter(tags=["finance"])


def _audit_export(runtime: Runtime, user: User, ip: str | None, what: str, file_format: str, rows: int) -> None:
    audit.record(
        runtime.session_factory, Actor.of(user, ip), Action.EXPORTED, what, None, format=file_format, rows=rows
    )


@router.get("/facts", response_model=FactPage, responses=EXPORT_RESPONSES)
def list_facts(
    user: CurrentUser,
    session: DbSession,
    runtime: Runtime,
    ip: ClientIp,
    company: Annotated[str | None, Query(max_length=200)] = None,
    fiscal_year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    metric: Annotated[str | None, Query(max_length=60)] = None,
    statement: Annotated[str | None, Query(max_length=30)] = None,
    document_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Offset = 0,
    format: ExportFormat = "json",
) -> FactPage | Response:
    """Financial facts read from the statements: one line item, one period, with its page."""
    filters = FactFilters(company, fiscal_year, metric, statement, document_id)
    if format != "json":
        rows, _ = service.list_facts(session, user, filters, None, 0)
        _audit_export(runtime, user, ip, "facts", format, len(rows))
        return download(service.export_facts(rows, format), format, "facts")
    rows, total = service.list_facts(session, user, filters, limit, offset)
    return FactPage(items=[FactOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)


@router.get("/companies", response_model=list[CompanyOut])
def list_companies(user: CurrentUser, session: DbSession) -> list[CompanyOut]:
    """The companies whose financial statements the enterprise's documents hold, with their years."""
    return [CompanyOut.model_validate(c) for c in service.companies(session, user)]


@router.get("/metrics", response_model=list[MetricOut], responses=EXPORT_RESPONSES)
def list_metrics(
    user: CurrentUser,
    session: DbSession,
    runtime: Runtime,
    ip: ClientIp,
    company: Annotated[str | None, Query(max_length=200)] = None,
    fiscal_year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    metric: Annotated[str | None, Query(max_length=60)] = None,
    format: ExportFormat = "json",
) -> list[MetricOut] | Response:
    """Metrics and ratios computed from the facts, each with its formula and the page of every input."""
    found = service.metrics_for(session, user.enterprise_id, company, fiscal_year, metric, books=runtime.fact_books)
    if format != "json":
        _audit_export(runtime, user, ip, "metrics", format, len(found))
        return download(service.export_metrics(found, format), format, "metrics")
    return [
        MetricOut(
            company=m.document.company,
            document_id=m.document.id,
            filename=m.document.filename,
            fiscal_year=m.value.fiscal_year,
            metric=m.value.metric,
            label=m.value.label,
            value=m.value.value,
            unit=m.value.unit,
            formula=m.value.formula,
            flagged=m.value.flagged,
            inputs=[
                MetricInputOut(
                    line_item=f.line_item,
                    fiscal_year=f.fiscal_year,
                    value=f.value,
                    unit=money_unit(f),
                    page=f.page,
                    flagged=f.flagged,
                )
                for f in m.value.inputs
            ],
        )
        for m in found
    ]


@router.get("/documents/{document_id}/statements", response_model=DocumentStatementsOut)
def document_statements(document_id: uuid.UUID, user: CurrentUser, session: DbSession) -> DocumentStatementsOut:
    """The financial statements found in a document, and the accounting checks of each."""
    found = service.statements_of(session, user, document_id)
    checks = [CheckOut.model_validate(c) for c in found.checks]
    return DocumentStatementsOut(
        document_id=found.document.id,
        filename=found.document.filename,
        statements=[StatementOut(**s) for s in found.statements],
        checks=checks,
        checks_passed=sum(c.passed for c in checks),
        checks_failed=sum(not c.passed for c in checks),
    )
