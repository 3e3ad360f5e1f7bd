from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from enterprise.reports.models import ReportStatus, ReportTrigger


class ReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    trigger: ReportTrigger
    status: ReportStatus
    progress: int = Field(description="0-100 while a worker writes it")
    title: str
    language: str
    period_start: datetime
    period_end: datetime
    created_at: datetime
    finished_at: datetime | None
    error: str | None
    pdf_bytes: int
    delivered_at: datetime | None
    delivered_to: list[str]
    delivery_error: str | None


class ReportPage(BaseModel):
    items: list[ReportOut]
    total: int
    limit: int
    offset: int


class ReportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int = Field(default=7, ge=1, le=366, description="the report covers the last N days")
    language: str | None = Field(default=None, pattern="^(en|es)$", description="default: the schedule's language")


class ScheduleOut(BaseModel):
    enabled: bool = Field(description="reports are made on schedule (needs ENABLE_AUTO_REPORTS on the service)")
    service_enabled: bool
    cron: str
    custom_cron: bool
    timezone: str
    language: str
    recipients: list[str]
    next_run: datetime | None
    mail_configured: bool = Field(description="SMTP_URL is set: reports are mailed to the recipients")


class ScheduleChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = None
    cron: str | None = Field(default=None, max_length=100, description="five cron fields; null keeps the current")
    reset_cron: bool = Field(default=False, description="go back to the service's REPORT_SCHEDULE_CRON")
    timezone: str | None = Field(default=None, max_length=64, description="an IANA time zone, e.g. Europe/Madrid")
    language: str | None = Field(default=None, pattern="^(en|es)$")
    recipients: list[EmailStr] | None = Field(default=None, max_length=50)
