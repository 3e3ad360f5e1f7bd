"""Executive reports: listed, asked for, opened and downloaded by executives and admins; their
schedule set by admins."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from enterprise.dependencies import AdminUser, DbSession, ExecutiveUser, Runtime
from enterprise.reports import service
from enterprise.reports.schemas import ReportOut, ReportPage, ReportRequest, ScheduleChangeIn, ScheduleOut
from enterprise.reports.service import Schedule, ScheduleChange
from shared.request_guards import Offset
from shared.settings import Settings

router = APIRouter(prefix="/reports", tags=["reports"])
# A report's page is ours, escaped, and holds no script: its own styles may run, nothing else.
REPORT_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _schedule_out(schedule: Schedule, settings: Settings) -> ScheduleOut:
    return ScheduleOut(
        enabled=schedule.enabled,
        service_enabled=settings.enable_auto_reports,
        cron=schedule.cron,
        custom_cron=schedule.custom_cron,
        timezone=schedule.timezone,
        language=schedule.language,
        recipients=schedule.recipients,
        next_run=schedule.next_run(datetime.now(UTC)),
        mail_configured=bool(settings.smtp_url),
    )


@router.get("", response_model=ReportPage)
def list_reports(
    user: ExecutiveUser,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Offset = 0,
) -> ReportPage:
    """The enterprise's reports, newest first, with each one's status and progress."""
    rows, total = service.list_reports(session, user, limit, offset)
    return ReportPage(items=[ReportOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)


@router.post("", response_model=ReportOut, status_code=status.HTTP_202_ACCEPTED)
def request_report(user: ExecutiveUser, session: DbSession, runtime: Runtime, body: ReportRequest) -> ReportOut:
    """Write a report on the last `days` days now; a worker generates it (poll its status)."""
    report = service.request_report(session, user, body.days, body.language, runtime.settings)
    session.commit()  # the worker must find the row it is asked to write
    runtime.report_requested(report.id)
    return ReportOut.model_validate(report)


@router.get("/schedule", response_model=ScheduleOut)
def get_schedule(user: ExecutiveUser, session: DbSession, runtime: Runtime) -> ScheduleOut:
    """When the enterprise's reports are made, in which language, and to whom they are mailed."""
    return _schedule_out(service.schedule_of(session, user.enterprise_id, runtime.settings), runtime.settings)


@router.put("/schedule", response_model=ScheduleOut)
def change_schedule(user: AdminUser, session: DbSession, runtime: Runtime, body: ScheduleChangeIn) -> ScheduleOut:
    """Change the schedule (cron in the enterprise's time zone), the language or the recipients."""
    change = ScheduleChange(
        enabled=body.enabled,
        cron=body.cron,
        reset_cron=body.reset_cron,
        timezone=body.timezone,
        language=body.language,
        recipients=[str(r) for r in body.recipients] if body.recipients is not None else None,
    )
    return _schedule_out(service.change_schedule(session, user, change, runtime.settings), runtime.settings)


@router.get("/{report_id}", response_model=ReportOut)
def get_report(report_id: uuid.UUID, user: ExecutiveUser, session: DbSession) -> ReportOut:
    return ReportOut.model_validate(service.get_report(session, user, report_id))


@router.get("/{report_id}/html", response_class=Response, responses={200: {"content": {"text/html": {}}}})
def report_html(report_id: uuid.UUID, user: ExecutiveUser, session: DbSession) -> Response:
    """The report as a web page (409 until it is written)."""
    report = service.finished(session, user, report_id)
    return Response(
        report.html or "",
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": REPORT_PAGE_POLICY},
    )


@router.get("/{report_id}/pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}})
def report_pdf(report_id: uuid.UUID, user: ExecutiveUser, session: DbSession) -> Response:
    """The report as a PDF file (409 until it is written)."""
    report = service.finished(session, user, report_id)
    return Response(
        report.pdf or b"",
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="report-{report.period_end:%Y-%m-%d}.pdf"'},
    )
