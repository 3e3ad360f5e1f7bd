"""Alembic, one history per product schema, driven from code (`brain migrate`)."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection, Engine

from shared.database import create_db_engine
from shared.settings import Settings

PRODUCTS = ("chatbot", "enterprise")
VERSION_TABLE = "alembic_version"


def alembic_config(settings: Settings, product: str) -> Config:
    if product not in PRODUCTS:
        raise ValueError(f"unknown product {product!r}; expected one of {PRODUCTS}")
    config = Config()
    config.set_main_option("script_location", str(settings.migrations_dir / product))
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings, product: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings, product), revision)


def downgrade(settings: Settings, product: str, revision: str) -> None:
    command.downgrade(alembic_config(settings, product), revision)


def run_online(config: Config, schema: str, metadata: MetaData, fallback: Settings) -> None:
    """The body of each history's env.py: migrate one schema on its own connection."""
    settings: Settings = config.attributes.get("settings") or fallback
    engine: Engine = create_db_engine(settings, [schema], owner=True)
    try:
        with engine.connect() as connection:
            _ensure_schema(connection, schema)
            _configure_and_run(connection, schema, metadata)
    finally:
        engine.dispose()


def _ensure_schema(connection: Connection, schema: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.commit()


def _configure_and_run(connection: Connection, schema: str, metadata: MetaData) -> None:
    from alembic import context

    def only_this_schema(name: str | None, type_: str, parent_names: Any) -> bool:
        return type_ != "schema" or name == schema

    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        version_table_schema=schema,
        include_schemas=True,
        include_name=only_this_schema,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
