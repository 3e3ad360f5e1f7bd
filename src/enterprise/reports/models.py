from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, deferred, mapped_column

from enterprise.database import SCHEMA, EnterpriseBase, TenantOwned, string_enum
from shared.database import UTCDateTime


class ReportTrigger(enum.StrEnum):
    SCHEDULED = "scheduled"
    ON_DEMAND = "on_demand"


class ReportStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReportSettings(TenantOwned, EnterpriseBase):
    """An enterprise's choices for its scheduled reports; without a row, the service's defaults."""

    __tablename__ = "report_settings"
    __table_args__ = (UniqueConstraint("enterprise_id"),)

    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Five cron fields read in `timezone`; None means the service's REPORT_SCHEDULE_CRON.
    cron: Mapped[str | None] = mapped_column(String(100), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(2), default="en")
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)


class Report(TenantOwned, EnterpriseBase):
    """One executive report. A scheduled one is unique per enterprise and scheduled time (its
    `schedule_key`): however many workers reach that time, the database keeps one."""

    __tablename__ = "reports"
    __label__ = "report"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "schedule_key"),
        Index("ix_reports_enterprise_created", "enterprise_id", "created_at"),
    )

    trigger: Mapped[ReportTrigger] = mapped_column(string_enum(ReportTrigger, "report_trigger"))
    # The scheduled time in UTC (ISO 8601) for a scheduled report; None for one asked for.
    schedule_key: Mapped[str | None] = mapped_column(String(40), nullable=True)
    period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[ReportStatus] = mapped_column(string_enum(ReportStatus, "report_status"), index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.users.id", ondelete="SET NULL"), nullable=True
    )
    title: Mapped[str] = mapped_column(String(300), default="")
    # The figures it showed, for the next report's "change since the previous report".
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    html: Mapped[str | None] = deferred(mapped_column(Text, nullable=True))
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    pdf_bytes: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The worker generating it and its last sign of life: a report whose worker went silent is
    # taken over by another.
    claimed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    delivery_error: Mapped[str | None] = mapped_column(Text, nullable=True)
