"""One Alembic history per schema: the enterprise history, up and down, never touches the chatbot."""

from __future__ import annotations

import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from shared.database import database_url
from shared.migrations import downgrade, upgrade
from shared.settings import Settings
from tests.conftest import PG_ADMIN_URL, _admin_sql


@pytest.fixture
def scratch_postgres() -> Iterator[str]:
    name = f"brain_migrations_{uuid.uuid4().hex[:8]}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _schema_dump(pg_dump: str, url: str, schema: str) -> str:
    result = subprocess.run(
        [pg_dump, "--schema-only", "--no-owner", f"--schema={schema}", url], capture_output=True, text=True, check=True
    )
    # pg_dump 15+ prints a random \restrict token per run; it is not part of the schema.
    return "\n".join(line for line in result.stdout.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))


def test_enterprise_migrations_leave_chatbot_schema_byte_for_byte(pg_dump: str, scratch_postgres: str) -> None:
    settings = Settings(database_url=scratch_postgres)
    upgrade(settings, "chatbot")
    before = _schema_dump(pg_dump, scratch_postgres, "chatbot")
    assert "CREATE TABLE chatbot.conversations" in before

    upgrade(settings, "enterprise")
    after_up = _schema_dump(pg_dump, scratch_postgres, "chatbot")
    enterprise_up = _schema_dump(pg_dump, scratch_postgres, "enterprise")
    downgrade(settings, "enterprise", "base")
    after_down = _schema_dump(pg_dump, scratch_postgres, "chatbot")
    enterprise_down = _schema_dump(pg_dump, scratch_postgres, "enterprise")
    upgrade(settings, "enterprise")

    assert after_up == before
    assert after_down == before
    assert "CREATE TABLE enterprise.users" in enterprise_up
    assert "CREATE TABLE enterprise.users" not in enterprise_down
    assert _schema_dump(pg_dump, scratch_postgres, "enterprise") == enterprise_up


def test_each_history_keeps_its_version_table_in_its_own_schema(scratch_postgres: str) -> None:
    settings = Settings(database_url=scratch_postgres)
    upgrade(settings, "chatbot")
    upgrade(settings, "enterprise")
    engine = create_engine(database_url(settings))
    try:
        with engine.connect() as connection:
            chatbot_head = connection.execute(text("SELECT version_num FROM chatbot.alembic_version")).scalar_one()
            enterprise_head = connection.execute(
                text("SELECT version_num FROM enterprise.alembic_version")
            ).scalar_one()
            public_tables = inspect(connection).get_table_names(schema="public")
    finally:
        engine.dispose()
    assert chatbot_head.startswith("c")
    assert enterprise_head.startswith("e")
    assert public_tables == []


def _sqlite_schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_same_migrations_run_on_embedded_sqlite(tmp_path: Path) -> None:
    settings = Settings(database_url=None, data_dir=tmp_path)
    upgrade(settings, "chatbot")
    upgrade(settings, "enterprise")
    chatbot_file = settings.sqlite_dir / "chatbot.db"
    enterprise_file = settings.sqlite_dir / "enterprise.db"
    before = _sqlite_schema(chatbot_file)
    assert {"tenants", "admins", "documents", "conversations", "messages", "alembic_version"} <= {n for n, _ in before}
    assert {"enterprises", "users", "alembic_version"} <= {n for n, _ in _sqlite_schema(enterprise_file)}
    downgrade(settings, "enterprise", "base")
    assert "users" not in {n for n, _ in _sqlite_schema(enterprise_file)}
    upgrade(settings, "enterprise")
    assert _sqlite_schema(chatbot_file) == before
