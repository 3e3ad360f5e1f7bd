"""Stored credentials are encrypted with SECRETS_KEY (rotatable), and never reach a log line."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text

from shared.observability import configure_logging
from shared.secrets import EncryptedText, SecretBox, SecretsUnavailableError, configure_secrets, generate_key
from shared.settings import Settings
from tests.conftest import TEST_DATABASE_URL, run_cli


@pytest.fixture(autouse=True)
def _service_key_restored() -> Iterator[None]:
    """These tests swap the process's key; the rest of the suite keeps the run's SECRETS_KEY."""
    yield
    configure_secrets(Settings())


def test_round_trip_rotation_and_wrong_key() -> None:
    old, new = generate_key(), generate_key()
    token = SecretBox(old).encrypt("sk-live-123")
    assert "sk-live-123" not in token
    assert SecretBox(old).decrypt(token) == "sk-live-123"
    rotated = SecretBox(f"{new},{old}")
    assert rotated.decrypt(token) == "sk-live-123"
    assert SecretBox(new).decrypt(rotated.encrypt("refresh-token")) == "refresh-token"
    with pytest.raises(SecretsUnavailableError, match="does not open"):
        SecretBox(new).decrypt(token)
    with pytest.raises(SecretsUnavailableError, match="Fernet keys"):
        SecretBox("not-a-key")


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_the_database_holds_only_ciphertext(backend: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    configure_secrets(Settings(secrets_key=generate_key()))
    url = (
        TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg2://")
        if backend == "postgresql"
        else f"sqlite:///{tmp_path / 'probe.db'}"
    )
    engine = create_engine(url)
    metadata = MetaData()
    probe = Table(
        f"secrets_probe_{uuid.uuid4().hex[:8]}",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("credential", EncryptedText),
    )
    metadata.create_all(engine)
    try:
        with engine.begin() as connection:
            connection.execute(insert(probe).values(id=1, credential="xoxb-dropbox-refresh-token"))
            raw = connection.execute(text(f"SELECT credential FROM {probe.name}")).scalar_one()
            assert "xoxb" not in raw
            assert Fernet  # the stored value is a Fernet token
            assert raw.startswith("gAAAA")
            assert connection.execute(select(probe.c.credential)).scalar_one() == "xoxb-dropbox-refresh-token"
    finally:
        metadata.drop_all(engine)
        engine.dispose()


def test_without_a_key_nothing_is_stored_in_clear(tmp_path) -> None:  # type: ignore[no-untyped-def]
    configure_secrets(Settings(secrets_key=None))
    engine = create_engine(f"sqlite:///{tmp_path / 'nokey.db'}")
    metadata = MetaData()
    probe = Table("probe", metadata, Column("id", Integer, primary_key=True), Column("credential", EncryptedText))
    metadata.create_all(engine)
    with pytest.raises(Exception, match="SECRETS_KEY"), engine.begin() as connection:
        connection.execute(insert(probe).values(id=1, credential="plain"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM probe")).scalar_one() == 0
    engine.dispose()


def test_credentials_never_reach_the_logs(capsys: pytest.CaptureFixture[str]) -> None:
    import structlog

    configure_logging(debug=False)
    structlog.get_logger("probe").info(
        "connector.synced", api_key="sk-live-999", refresh_token="rt-1", password="hunter22", user="bob"
    )
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["user"] == "bob"
    assert line["api_key"] == line["refresh_token"] == line["password"] == "[redacted]"


def test_brain_makes_a_key() -> None:
    result = run_cli("secrets-key")
    assert result.returncode == 0
    SecretBox(result.stdout.strip())  # a valid key
