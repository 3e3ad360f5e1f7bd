from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.settings import DEFAULT_JWT_SECRET, InsecureConfigurationError, Settings


def test_every_planned_variable_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    planned = {
        "OPENAI_API_KEY": ("openai_api_key", "sk-x"),
        "LANGCHAIN_API_KEY": ("langchain_api_key", "ls-x"),
        "LANGCHAIN_PROJECT": ("langchain_project", "brain-x"),
        "JWT_SECRET_KEY": ("jwt_secret_key", "s" * 40),
        "JWT_ALGORITHM": ("jwt_algorithm", "HS512"),
        "ENVIRONMENT": ("environment", "staging"),
        "DEBUG": ("debug", True),
        "DATABASE_URL": ("database_url", "postgresql://u@h/db"),
        "REDIS_URL": ("redis_url", "redis://h:6379/1"),
        "ENTERPRISE_MAX_DOCUMENTS": ("enterprise_max_documents", 42),
        "MAX_FILE_SIZE": ("max_file_size", 1234),
        "SUPPORTED_FORMATS": ("supported_formats", "pdf,csv"),
        "ENABLE_ADVANCED_ANALYTICS": ("enable_advanced_analytics", False),
        "ENABLE_FINANCIAL_PARSING": ("enable_financial_parsing", False),
        "ENABLE_TABLE_EXTRACTION": ("enable_table_extraction", False),
        "GOOGLE_DRIVE_CLIENT_ID": ("google_drive_client_id", "g-id"),
        "GOOGLE_DRIVE_CLIENT_SECRET": ("google_drive_client_secret", "g-secret"),
        "DROPBOX_APP_KEY": ("dropbox_app_key", "d-key"),
        "SALESFORCE_CLIENT_ID": ("salesforce_client_id", "sf-id"),
        "ENABLE_AUTO_REPORTS": ("enable_auto_reports", True),
        "REPORT_SCHEDULE_CRON": ("report_schedule_cron", "30 8 * * 2"),
        "ENTERPRISE_ENABLED": ("enterprise_enabled", True),
        "CHROMA_URL": ("chroma_url", "http://chroma:8000"),
        "OPENAI_BASE_URL": ("openai_base_url", "http://llm:8000/v1"),
        "LLM_MODEL": ("llm_model", "llama-3"),
        "EMBEDDING_MODEL": ("embedding_model", "minilm-torch"),
    }
    for variable, (_, value) in planned.items():
        monkeypatch.setenv(variable, str(value).lower() if isinstance(value, bool) else str(value))
    monkeypatch.setenv("VECTOR_STORE_PATH", "/srv/vectors")
    settings = Settings()
    for variable, (field, value) in planned.items():
        assert getattr(settings, field) == value, variable
    assert str(settings.vector_store_path) == "/srv/vectors"


def test_defaults_match_the_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in (
        "ENTERPRISE_MAX_DOCUMENTS",
        "MAX_FILE_SIZE",
        "SUPPORTED_FORMATS",
        "REPORT_SCHEDULE_CRON",
        "ENTERPRISE_ENABLED",
    ):
        monkeypatch.delenv(variable, raising=False)
    settings = Settings()
    assert settings.enterprise_max_documents == 10_000
    assert settings.max_file_size == 104_857_600
    assert settings.supported_format_set == {"pdf", "docx", "xlsx", "csv", "txt", "json"}
    assert settings.report_schedule_cron == "0 9 * * 1"
    assert settings.enterprise_enabled is False


@pytest.mark.parametrize("secret", [DEFAULT_JWT_SECRET, "short-secret"])
def test_production_refuses_a_weak_jwt_secret(secret: str) -> None:
    with pytest.raises((InsecureConfigurationError, ValidationError), match="JWT_SECRET_KEY"):
        Settings(environment="production", jwt_secret_key=secret)


def test_production_starts_with_a_strong_secret() -> None:
    assert Settings(environment="production", jwt_secret_key="x" * 48).environment == "production"


def test_bad_cron_is_refused() -> None:
    with pytest.raises(ValidationError, match="five fields"):
        Settings(report_schedule_cron="every monday")


def test_passwords_are_hashed_with_argon2id_at_the_recommended_cost_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from shared.security import password_hasher

    for variable in ("PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_ITERATIONS", "PASSWORD_HASH_PARALLELISM"):
        monkeypatch.delenv(variable, raising=False)  # the suite runs at OWASP's cheapest equal cost
    stored = password_hasher(Settings()).hash("a-long-password")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.mark.parametrize(
    ("memory_kib", "iterations", "message"),
    [
        (4_096, 5, "greater than or equal to 7168"),
        (8_192, 2, "below OWASP's minimum for PASSWORD_HASH_ITERATIONS=2: at least 19456 KiB"),
        (40_000, 1, "at least 47104 KiB"),
    ],
)
def test_a_password_cost_below_owasps_minimum_is_refused(memory_kib: int, iterations: int, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(password_hash_memory_kib=memory_kib, password_hash_iterations=iterations)


def test_each_of_owasps_equal_costs_is_accepted() -> None:
    for memory_kib, iterations in ((47_104, 1), (19_456, 2), (12_288, 3), (9_216, 4), (7_168, 5)):
        settings = Settings(password_hash_memory_kib=memory_kib, password_hash_iterations=iterations)
        assert (settings.password_hash_memory_kib, settings.password_hash_iterations) == (memory_kib, iterations)
