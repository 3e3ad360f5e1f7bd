"""Engines, sessions and the declarative base shared by both products.

Each product owns a PostgreSQL schema. On SQLite (the embedded default) each schema is a
separate database file ATTACHed under the same name, so schema-qualified tables work
unchanged and the two products' data stay in separate files.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, Uuid, create_engine, event
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from shared.settings import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def schema_metadata(schema: str) -> MetaData:
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them without a zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class ModelMixin:
    """UUID primary key and timestamps for every table."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def database_url(settings: Settings, owner: bool = False) -> str:
    if not settings.database_url:
        return f"sqlite:///{settings.sqlite_dir / 'main.db'}"
    url = (settings.database_owner_url if owner else None) or settings.database_url
    # Railway hands out postgres://, which SQLAlchemy no longer accepts, and SQLAlchemy 2.1
    # maps a bare postgresql:// to psycopg 3: the driver installed here is psycopg2.
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            return "postgresql+psycopg2://" + url.removeprefix(bare)
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_db_engine(settings: Settings, schemas: Sequence[str], owner: bool = False) -> Engine:
    url = make_url(database_url(settings, owner))
    if url.get_backend_name() != "sqlite":
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_timeout=settings.database_pool_timeout,
        )
    main_file = Path(url.database or settings.sqlite_dir / "main.db")
    main_file.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout,
    )
    schema_files = {schema: main_file.parent / f"{schema}.db" for schema in schemas}

    @event.listens_for(engine, "connect")
    def _attach_schemas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        for schema, path in schema_files.items():
            cursor.execute("ATTACH DATABASE ? AS " + _quote_identifier(schema), (str(path),))
            cursor.execute(f"PRAGMA {_quote_identifier(schema)}.journal_mode=WAL")
        cursor.close()

    return engine


def _quote_identifier(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"not a schema name: {name!r}")
    return f'"{name}"'


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
