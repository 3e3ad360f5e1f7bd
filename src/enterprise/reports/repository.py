"""The SQL of reports: settings, the report rows, and the claim that lets one worker generate each."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from enterprise.auth.models import Enterprise
from enterprise.database import get_scoped, paginate, scoped
from enterprise.reports.models import Report, ReportSettings, ReportStatus


def settings_of(session: Session, enterprise_id: uuid.UUID) -> ReportSettings | None:
    return session.scalars(scoped(ReportSettings, enterprise_id)).one_or_none()


def settings_of_for_update(session: Session, enterprise_id: uuid.UUID) -> ReportSettings:
    """The enterprise's settings row, made on first use; two admins saving at once share one row
    (the second insert meets the unique constraint and reads the first's)."""
    row = settings_of(session, enterprise_id)
    if row is not None:
        return row
    row = ReportSettings(enterprise_id=enterprise_id, enabled=True, timezone="UTC", language="en", recipients=[])
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        existing = settings_of(session, enterprise_id)
        assert existing is not None
        return existing
    return row


def active_enterprises(session: Session, only: Sequence[uuid.UUID] | None = None) -> Sequence[Enterprise]:
    query = select(Enterprise).where(Enterprise.is_active.is_(True))
    if only is not None:
        query = query.where(Enterprise.id.in_(only))
    return session.scalars(query).all()


def add_scheduled(session: Session, report: Report) -> bool:
    """Insert a scheduled report; False when that enterprise and time already have one (the
    unique constraint on (enterprise_id, schedule_key) decides, whichever worker got there first)."""
    try:
        with session.begin_nested():
            session.add(report)
            session.flush()
    except IntegrityError:
        return False
    return True


def claim(session: Session, report_id: uuid.UUID, worker: str, now: datetime, stale_before: datetime) -> bool:
    """Take a report to generate: one that waits, or one whose worker went silent. One UPDATE, so
    of two workers racing for it exactly one changes the row."""
    claimed = session.execute(
        update(Report)
        .where(
            Report.id == report_id,
            or_(
                Report.status == ReportStatus.PENDING,
                (Report.status == ReportStatus.RUNNING) & (Report.heartbeat_at < stale_before),
            ),
        )
        .values(
            status=ReportStatus.RUNNING,
            claimed_by=worker,
            heartbeat_at=now,
            attempts=Report.attempts + 1,
            progress=0,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(claimed, "rowcount", 0) == 1)


def waiting(session: Session, stale_before: datetime, only: Sequence[uuid.UUID] | None = None) -> Sequence[uuid.UUID]:
    """Reports no live worker is generating, across enterprises: pending, or running silently."""
    query = select(Report.id).where(
        or_(
            Report.status == ReportStatus.PENDING,
            (Report.status == ReportStatus.RUNNING) & (Report.heartbeat_at < stale_before),
        )
    )
    if only is not None:
        query = query.where(Report.enterprise_id.in_(only))
    return session.scalars(query.order_by(Report.created_at)).all()


def report(session: Session, enterprise_id: uuid.UUID, report_id: object) -> Report:
    return get_scoped(session, Report, enterprise_id, report_id)


def by_id(session: Session, report_id: uuid.UUID) -> Report | None:
    return session.get(Report, report_id)


def reports(session: Session, enterprise_id: uuid.UUID, limit: int, offset: int) -> tuple[Sequence[Report], int]:
    return paginate(session, scoped(Report, enterprise_id), [Report.created_at.desc(), Report.id], limit, offset)


def previous_done(session: Session, enterprise_id: uuid.UUID, before: datetime) -> Report | None:
    return session.scalars(
        scoped(Report, enterprise_id)
        .where(Report.status == ReportStatus.DONE, Report.period_end <= before)
        .order_by(Report.period_end.desc(), Report.created_at.desc())
        .limit(1)
    ).first()
