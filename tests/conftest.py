"""Session-wide test environment: a fresh PostgreSQL database, a Redis database, Chroma in a
temporary directory, the real embedding model (loaded once), and the apps built on them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
TEST_DATABASE = f"brain_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
TEST_ROOT = Path(tempfile.mkdtemp(prefix="brain-tests-"))
TEST_DATABASE_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + TEST_DATABASE


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Reports are mailed to a real SMTP server the `smtp_outbox` fixture runs on this port.
TEST_SMTP_PORT = _free_port()
# Originals go to a real S3-compatible server (moto's, tests/s3.py) on this port, as on a
# deployment whose API and workers run on different machines.
TEST_S3_PORT = _free_port()
TEST_BUCKET = "brain-test"
# The connectors' fake sources (tests/fakes/sources.py) run on these ports.
FAKE_DRIVE_PORT, FAKE_DROPBOX_PORT, FAKE_SALESFORCE_PORT = _free_port(), _free_port(), _free_port()

# The settings every module reads at import (the job queue among them) come from here.
os.environ.update(
    {
        "ENVIRONMENT": "test",
        "DATABASE_URL": TEST_DATABASE_URL,
        "REDIS_URL": TEST_REDIS_URL,
        "DATA_DIR": str(TEST_ROOT / "data"),
        "VECTOR_STORE_PATH": str(TEST_ROOT / "chroma"),
        # The embedding model's fused graph, made once for the run and read by every process.
        "MODEL_CACHE_DIR": str(TEST_ROOT / "models"),
        "JWT_SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        # Passwords at the cheapest of OWASP's equal argon2id costs (7 MiB, five passes): 49 ms a
        # hash instead of the default's 207 (bench/cli_start.py), and the suite signs in about a thousand times.
        "PASSWORD_HASH_MEMORY_KIB": "7168",
        "PASSWORD_HASH_ITERATIONS": "5",
        "PASSWORD_HASH_PARALLELISM": "1",
        "SMTP_URL": f"smtp://127.0.0.1:{TEST_SMTP_PORT}",
        "STORAGE_URL": f"s3://{TEST_BUCKET}/originals",
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{TEST_S3_PORT}",
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test-access-key",
        "S3_SECRET_ACCESS_KEY": "test-secret-key",
        # Connectors and webhooks keep credentials encrypted: a key made for this run.
        "SECRETS_KEY": Fernet.generate_key().decode(),
        "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true",
        "WEBHOOK_RETRY_SECONDS": "0.5",
        "CONNECTOR_RETRY_SECONDS": "0.05",
        "GOOGLE_DRIVE_CLIENT_ID": "drive-client",
        "GOOGLE_DRIVE_CLIENT_SECRET": "drive-secret",
        "GOOGLE_ACCOUNTS_URL": f"http://127.0.0.1:{FAKE_DRIVE_PORT}",
        "GOOGLE_OAUTH_TOKEN_URL": f"http://127.0.0.1:{FAKE_DRIVE_PORT}/token",
        "GOOGLE_API_URL": f"http://127.0.0.1:{FAKE_DRIVE_PORT}",
        "DROPBOX_APP_KEY": "dropbox-app",
        "DROPBOX_WEB_URL": f"http://127.0.0.1:{FAKE_DROPBOX_PORT}",
        "DROPBOX_API_URL": f"http://127.0.0.1:{FAKE_DROPBOX_PORT}",
        "DROPBOX_CONTENT_URL": f"http://127.0.0.1:{FAKE_DROPBOX_PORT}",
        "SALESFORCE_CLIENT_ID": "sf-client",
        "SALESFORCE_LOGIN_URL": f"http://127.0.0.1:{FAKE_SALESFORCE_PORT}",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
)
for unset in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "LANGCHAIN_API_KEY", "CHROMA_URL", "ENTERPRISE_ENABLED"):
    os.environ.pop(unset, None)


def _admin_sql(statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg2://", 1), isolation_level="AUTOCOMMIT"
    )
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def test_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The session's PostgreSQL database and Redis, made before any other fixture; not made at
    all when only tests marked `pure` (parsers, numbers, metrics, questions) were selected, so
    `pytest -m pure` runs on a machine with neither service."""
    if all(item.get_closest_marker("pure") is not None for item in request.session.items):
        yield None
        return
    import redis

    from shared.migrations import PRODUCTS, upgrade
    from shared.settings import Settings
    from tests.s3 import s3_server

    _admin_sql(f'CREATE DATABASE "{TEST_DATABASE}"')
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    settings = Settings()
    for product in PRODUCTS:
        upgrade(settings, product)
    with s3_server(TEST_S3_PORT, TEST_BUCKET):
        yield TEST_DATABASE_URL
    _admin_sql(f'DROP DATABASE IF EXISTS "{TEST_DATABASE}" WITH (FORCE)')
    shutil.rmtree(TEST_ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_dump() -> str:
    path = shutil.which("pg_dump")
    if path is None:
        pytest.fail("pg_dump is not installed: apt-get install postgresql-client")
    return path


def brain_executable() -> str:
    """The `brain` console script installed beside this interpreter."""
    brain = Path(sys.executable).parent / "brain"
    assert brain.exists(), "the brain console script is not installed: pip install -e ."
    return str(brain)


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [brain_executable(), *args], capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )
