"""Analytics for executives and admins: usage, content and financial KPIs, as JSON or files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response

from enterprise.analytics import service
from enterprise.analytics.schemas import AnalyticsOut
from enterprise.analytics.service import AnalyticsResult, Freshness, Prices
from enterprise.audit import service as audit
from enterprise.audit.service import Action, Actor
from enterprise.dependencies import ClientIp, DbSession, ExecutiveUser, Runtime
from enterprise.exports import EXPORT_RESPONSES, ExportFormat, download

router = APIRouter(prefix="/analytics", tags=["analytics"])
TableName = Annotated[str | None, Query(max_length=60, description="the table to download (CSV needs one)")]


def _respond(
    result: AnalyticsResult,
    file_format: ExportFormat,
    table: str | None,
    runtime: Runtime,
    user: ExecutiveUser,
    ip: str | None,
) -> AnalyticsOut | Response:
    if file_format == "json":
        return AnalyticsOut(
            kind=result.kind,
            parameters=result.parameters,
            cached=result.cached,
            computed_at=result.computed_at,
            expires_at=result.expires_at,
            summary=result.summary,
            tables=result.tables,
        )
    content, name = result.table_bytes(table, file_format)
    rows = len(result.tables[table]) if table else sum(len(t) for t in result.tables.values())
    audit.record(
        runtime.session_factory, Actor.of(user, ip), Action.EXPORTED, f"analytics:{name}", None,
        format=file_format, rows=rows,
    )  # fmt: skip
    return download(content, file_format, name)


def _fresh(runtime: Runtime) -> Freshness:
    return Freshness(timedelta(seconds=runtime.settings.analytics_cache_seconds), datetime.now(UTC))


@router.get("/usage", response_model=AnalyticsOut, responses=EXPORT_RESPONSES)
def usage(
    user: ExecutiveUser,
    session: DbSession,
    runtime: Runtime,
    ip: ClientIp,
    days: Annotated[int, Query(ge=1, le=service.MAX_DAYS, description="the last N days")] = 30,
    format: ExportFormat = "json",
    table: TableName = None,
) -> AnalyticsOut | Response:
    """Questions per day and per member, answer and not-found rates, modes, latency, the top and the
    unanswered questions (worded alike grouped), feedback, tokens and estimated cost."""
    result = service.usage(session, user.enterprise_id, days, Prices.of(runtime.settings), _fresh(runtime))
    return _respond(result, format, table, runtime, user, ip)


@router.get("/content", response_model=AnalyticsOut, responses=EXPORT_RESPONSES)
def content(
    user: ExecutiveUser,
    session: DbSession,
    runtime: Runtime,
    ip: ClientIp,
    format: ExportFormat = "json",
    table: TableName = None,
) -> AnalyticsOut | Response:
    """Documents by type, status, company and month; volume ingested; failures and their reasons;
    pages without text."""
    result = service.content(session, user.enterprise_id, _fresh(runtime))
    return _respond(result, format, table, runtime, user, ip)


@router.get("/kpis", response_model=AnalyticsOut, responses=EXPORT_RESPONSES)
def kpis(
    user: ExecutiveUser,
    session: DbSession,
    runtime: Runtime,
    ip: ClientIp,
    company: Annotated[str | None, Query(max_length=200)] = None,
    format: ExportFormat = "json",
    table: TableName = None,
) -> AnalyticsOut | Response:
    """Each company's KPIs per fiscal year from the facts, with the change on the year before, the
    pages they are printed on, and a flag where their statement failed a check."""
    result = service.kpis(session, user.enterprise_id, company, _fresh(runtime))
    return _respond(result, format, table, runtime, user, ip)
