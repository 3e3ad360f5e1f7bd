"""The SQL of webhooks: endpoints, and deliveries with the lease a worker takes to send one."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from enterprise.database import get_scoped, scoped
from enterprise.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


def endpoints(session: Session, enterprise_id: uuid.UUID) -> Sequence[WebhookEndpoint]:
    return session.scalars(scoped(WebhookEndpoint, enterprise_id).order_by(WebhookEndpoint.created_at.desc())).all()


def endpoint(session: Session, enterprise_id: uuid.UUID, endpoint_id: object) -> WebhookEndpoint:
    return get_scoped(session, WebhookEndpoint, enterprise_id, endpoint_id)


def count_endpoints(session: Session, enterprise_id: uuid.UUID) -> int:
    query = select(func.count()).select_from(WebhookEndpoint).where(WebhookEndpoint.enterprise_id == enterprise_id)
    return int(session.scalar(query) or 0)


def active_endpoints(session: Session, enterprise_id: uuid.UUID) -> Sequence[WebhookEndpoint]:
    return session.scalars(scoped(WebhookEndpoint, enterprise_id).where(WebhookEndpoint.is_active.is_(True))).all()


def deliveries(
    session: Session, enterprise_id: uuid.UUID, endpoint_id: uuid.UUID, limit: int, offset: int
) -> tuple[Sequence[WebhookDelivery], int]:
    query = scoped(WebhookDelivery, enterprise_id).where(WebhookDelivery.endpoint_id == endpoint_id)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(
        query.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id).limit(limit).offset(offset)
    ).all()
    return rows, total


def due(session: Session, now: datetime, limit: int) -> Sequence[uuid.UUID]:
    """Deliveries to send now, across enterprises (a worker's query, as the tables' owner)."""
    query = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )
    return session.scalars(query).all()


def next_due(session: Session) -> datetime | None:
    query = select(func.min(WebhookDelivery.next_attempt_at)).where(WebhookDelivery.status == DeliveryStatus.PENDING)
    return session.scalar(query)


def lease(session: Session, delivery_id: uuid.UUID, now: datetime, until: datetime) -> bool:
    """Take a delivery to send: one UPDATE, so of two workers exactly one gets it."""
    taken = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
        )
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(taken, "rowcount", 0) == 1)
