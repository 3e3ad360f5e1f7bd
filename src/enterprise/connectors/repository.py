"""The SQL of connectors: the connectors, OAuth consents under way, items, and runs with the
claim that lets one worker run each."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session

from enterprise.connectors.models import (
    Connector,
    ConnectorAuthorization,
    ConnectorItem,
    ConnectorRun,
    ConnectorStatus,
    ItemStatus,
    RunStatus,
)
from enterprise.database import get_scoped, scoped


def connectors(session: Session, enterprise_id: uuid.UUID) -> Sequence[Connector]:
    return session.scalars(scoped(Connector, enterprise_id).order_by(Connector.created_at)).all()


def connector(session: Session, enterprise_id: uuid.UUID, connector_id: object) -> Connector:
    return get_scoped(session, Connector, enterprise_id, connector_id)


def count_connectors(session: Session, enterprise_id: uuid.UUID) -> int:
    return int(session.scalar(select(func.count()).where(Connector.enterprise_id == enterprise_id)) or 0)


def locked_connector(session: Session, connector_id: uuid.UUID) -> Connector | None:
    """The row locked for this transaction (PostgreSQL): two requests for a run wait for each other."""
    return session.get(Connector, connector_id, with_for_update=True)


def enterprise_of_state(session: Session, state_hash: str) -> uuid.UUID | None:
    """The enterprise of an OAuth consent, before any enterprise is bound (the source's
    redirect carries no bearer token): through a SECURITY DEFINER function on PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        found = session.scalar(
            text("SELECT enterprise.connector_authorization_enterprise(:hash)"), {"hash": state_hash}
        )
    else:
        query = select(ConnectorAuthorization.enterprise_id).where(ConnectorAuthorization.state_hash == state_hash)
        found = session.scalar(query)
    return None if found is None else uuid.UUID(str(found))


def authorization_by_state(
    session: Session, enterprise_id: uuid.UUID, state_hash: str
) -> ConnectorAuthorization | None:
    query = scoped(ConnectorAuthorization, enterprise_id).where(ConnectorAuthorization.state_hash == state_hash)
    return session.scalars(query).one_or_none()


def forget_authorizations(session: Session, connector_id: uuid.UUID, expired_before: datetime | None = None) -> None:
    condition = ConnectorAuthorization.connector_id == connector_id
    if expired_before is not None:
        condition = or_(condition, ConnectorAuthorization.expires_at < expired_before)
    session.execute(delete(ConnectorAuthorization).where(condition).execution_options(synchronize_session=False))


# ---- items ----------------------------------------------------------------------------------


def item(session: Session, connector_id: uuid.UUID, external_id: str) -> ConnectorItem | None:
    query = select(ConnectorItem).where(
        ConnectorItem.connector_id == connector_id, ConnectorItem.external_id == external_id
    )
    return session.scalars(query).one_or_none()


def items_under(session: Session, connector_id: uuid.UUID, path: str) -> Sequence[ConnectorItem]:
    query = select(ConnectorItem).where(
        ConnectorItem.connector_id == connector_id,
        or_(ConnectorItem.path == path, ConnectorItem.path.startswith(f"{path}/", autoescape=True)),
    )
    return session.scalars(query).all()


def items_older_than(session: Session, connector_id: uuid.UUID, generation: int) -> Sequence[ConnectorItem]:
    query = select(ConnectorItem).where(
        ConnectorItem.connector_id == connector_id, ConnectorItem.generation < generation
    )
    return session.scalars(query).all()


def items_of(
    session: Session,
    enterprise_id: uuid.UUID,
    connector_id: uuid.UUID,
    status: ItemStatus | None,
    limit: int,
    offset: int,
) -> tuple[Sequence[ConnectorItem], int]:
    query = scoped(ConnectorItem, enterprise_id).where(ConnectorItem.connector_id == connector_id)
    if status is not None:
        query = query.where(ConnectorItem.status == status)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(query.order_by(ConnectorItem.path, ConnectorItem.id).limit(limit).offset(offset)).all()
    return rows, total


def all_items(session: Session, connector_id: uuid.UUID) -> Sequence[ConnectorItem]:
    return session.scalars(select(ConnectorItem).where(ConnectorItem.connector_id == connector_id)).all()


def others_holding(session: Session, document_id: uuid.UUID, besides: uuid.UUID) -> int:
    """Items other than `besides` (of any connector) that point at the document."""
    query = select(func.count()).where(ConnectorItem.document_id == document_id, ConnectorItem.id != besides)
    return int(session.scalar(query) or 0)


# ---- runs -----------------------------------------------------------------------------------


def open_run(session: Session, connector_id: uuid.UUID) -> ConnectorRun | None:
    query = select(ConnectorRun).where(
        ConnectorRun.connector_id == connector_id, ConnectorRun.status.in_([RunStatus.PENDING, RunStatus.RUNNING])
    )
    return session.scalars(query.order_by(ConnectorRun.created_at)).first()


def runs_of(
    session: Session, enterprise_id: uuid.UUID, connector_id: uuid.UUID, limit: int, offset: int
) -> tuple[Sequence[ConnectorRun], int]:
    query = scoped(ConnectorRun, enterprise_id).where(ConnectorRun.connector_id == connector_id)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(query.order_by(ConnectorRun.created_at.desc()).limit(limit).offset(offset)).all()
    return rows, total


def last_run(session: Session, connector_id: uuid.UUID) -> ConnectorRun | None:
    query = select(ConnectorRun).where(ConnectorRun.connector_id == connector_id)
    return session.scalars(query.order_by(ConnectorRun.created_at.desc()).limit(1)).first()


def claim_run(session: Session, run_id: uuid.UUID, worker: str, now: datetime, stale_before: datetime) -> bool:
    """Take a run: one that waits, or one whose worker went silent. One UPDATE, so of two
    workers racing for it exactly one changes the row."""
    claimed = session.execute(
        update(ConnectorRun)
        .where(
            ConnectorRun.id == run_id,
            or_(
                ConnectorRun.status == RunStatus.PENDING,
                (ConnectorRun.status == RunStatus.RUNNING) & (ConnectorRun.heartbeat_at < stale_before),
            ),
        )
        .values(
            status=RunStatus.RUNNING,
            claimed_by=worker,
            heartbeat_at=now,
            attempts=ConnectorRun.attempts + 1,
            started_at=func.coalesce(ConnectorRun.started_at, now),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(claimed, "rowcount", 0) == 1)


def waiting_runs(session: Session, stale_before: datetime) -> Sequence[uuid.UUID]:
    """Runs to (re)start, across enterprises: waiting, or held by a worker that went silent."""
    query = select(ConnectorRun.id).where(
        or_(
            ConnectorRun.status == RunStatus.PENDING,
            (ConnectorRun.status == RunStatus.RUNNING) & (ConnectorRun.heartbeat_at < stale_before),
        )
    )
    return session.scalars(query).all()


def due_connectors(session: Session, now: datetime) -> Sequence[Connector]:
    query = select(Connector).where(Connector.status == ConnectorStatus.ACTIVE, Connector.next_sync_at <= now)
    return session.scalars(query).all()
