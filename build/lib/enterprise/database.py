"""The enterprise schema's declarative base and the one tenant-scoping helper."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, Enum, ForeignKey, Select, SQLColumnExpression, Uuid, event, func, select, text
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
)

from shared.database import ModelMixin, schema_metadata
from shared.errors import NotFoundError

SCHEMA = "enterprise"


class EnterpriseBase(DeclarativeBase):
    metadata = schema_metadata(SCHEMA)


def string_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """An enum stored as its values in a checked VARCHAR: portable, and readable in SQL."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


TENANT_SETTING = "app.enterprise_id"


def bind_enterprise(session: Session, enterprise_id: uuid.UUID) -> None:
    """Hold this session's transactions to one enterprise in PostgreSQL's row-level security.

    Set on every transaction the session begins (see `enforce_tenant_setting`), and at once on
    the one already open. SQLite has no such wall: there, `scoped` stands alone.
    """
    session.info["enterprise_id"] = enterprise_id
    if session.in_transaction():
        _apply(session.connection(), enterprise_id)


def _apply(connection: Connection, enterprise_id: uuid.UUID) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT set_config(:name, :value, true)"), {"name": TENANT_SETTING, "value": str(enterprise_id)}
        )


def enforce_tenant_setting(factory: sessionmaker[Session]) -> None:
    @event.listens_for(factory, "after_begin")
    def _set_tenant(session: Session, _transaction: Any, connection: Connection) -> None:
        enterprise_id = session.info.get("enterprise_id")
        if enterprise_id is not None:
            _apply(connection, enterprise_id)


class TenantOwned(ModelMixin):
    """A row that belongs to exactly one enterprise."""

    @declared_attr
    def enterprise_id(cls) -> Mapped[uuid.UUID]:  # noqa: N805 (SQLAlchemy declared_attr)
        return mapped_column(Uuid, ForeignKey(f"{SCHEMA}.enterprises.id", ondelete="CASCADE"), index=True)


Owned = TypeVar("Owned", bound=TenantOwned)


def scoped(model: type[Owned], enterprise_id: uuid.UUID) -> Select[Owned]:
    """Every read of tenant data starts here, so no query can forget the enterprise filter."""
    return select(model).where(model.enterprise_id == enterprise_id)


def get_scoped(session: Session, model: type[Owned], enterprise_id: uuid.UUID, object_id: Any) -> Owned:
    """One row of the caller's enterprise; another enterprise's row is indistinguishable from none."""
    label = getattr(model, "__label__", model.__name__.lower())
    try:
        wanted = object_id if isinstance(object_id, uuid.UUID) else uuid.UUID(str(object_id))
    except ValueError:
        raise NotFoundError(f"{label} {object_id} not found") from None
    row = session.scalars(scoped(model, enterprise_id).where(model.id == wanted)).one_or_none()
    if row is None:
        raise NotFoundError(f"{label} {object_id} not found")
    return row


def paginate(
    session: Session,
    query: Select[Owned],
    order: Sequence[SQLColumnExpression[Any]],
    limit: int,
    offset: int,
) -> tuple[Sequence[Owned], int]:
    """One page of `query` in `order`, and how many rows all pages hold."""
    total = int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    return session.scalars(query.order_by(*order).limit(limit).offset(offset)).all(), total
