"""Configuration for both products, read from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_JWT_SECRET = "change-me-in-production"  # noqa: S105 (not a secret)
MIN_PRODUCTION_SECRET_LENGTH = 32
# OWASP's password storage cheat sheet: argon2id configurations of equal strength, as the least
# memory (KiB) for a number of passes; five passes or more need 7 MiB.
ARGON2_MIN_MEMORY_KIB = {1: 47_104, 2: 19_456, 3: 12_288, 4: 9_216}
ARGON2_MIN_MEMORY_KIB_FROM_5_PASSES = 7_168
REPO_ROOT = Path(__file__).resolve().parents[2]


class InsecureConfigurationError(RuntimeError):
    """Raised at start-up when production would run with unsafe settings."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    # General
    environment: Literal["development", "test", "staging", "production"] = "development"
    debug: bool = False
    data_dir: Path = Path("./data")

    # LLM
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_seconds: float = 30.0
    langchain_api_key: str | None = None
    langchain_project: str = "enterprise-ai-brain"
    langchain_endpoint: str | None = None

    # Auth
    jwt_secret_key: str = DEFAULT_JWT_SECRET
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    access_token_minutes: int = 60
    invite_token_hours: int = 72
    # argon2id's cost for stored passwords (pwdlib's recommended by default); raising it re-hashes
    # each enterprise user's password at their next sign-in. Below OWASP's minimum is refused.
    password_hash_memory_kib: int = Field(default=65_536, ge=ARGON2_MIN_MEMORY_KIB_FROM_5_PASSES)
    password_hash_iterations: int = Field(default=3, ge=1, le=100)
    password_hash_parallelism: int = Field(default=4, ge=1, le=64)

    # Jobs: unset means "in this process" exactly when there is no Redis queue to share.
    # Failed sign-ins allowed per account and per client address in a window, then 429.
    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 100
    login_failure_window_minutes: int = 15
    jobs_in_process: bool | None = None
    job_workers: int = 1
    # A document whose worker sent no heartbeat for this long is taken for lost and requeued.
    ingestion_stale_seconds: int = Field(default=300, ge=10)

    # Storage
    database_url: str | None = None
    # The tables' owner, for migrations, the CLI and job workers; DATABASE_URL is then the
    # web role, which PostgreSQL's row-level security holds to one enterprise per request.
    database_owner_url: str | None = None
    # Fernet key(s), comma-separated, newest first: encrypt stored credentials (`brain secrets-key`).
    secrets_key: str | None = None
    redis_url: str | None = None
    # Where originals are kept: unset, DATA_DIR/originals on this machine; s3://bucket/prefix,
    # any S3-compatible store (AWS, MinIO, R2…), which every API and worker process must share.
    # Connections each process keeps open to its database, and how many more it may open at a
    # peak (each opened and closed again: a new PostgreSQL backend each time, so kept few); the
    # enterprise API admits as many requests at once as the two allow (the rest wait their turn).
    # Replicas × (both) must stay within PostgreSQL's max_connections (100 by default).
    database_pool_size: int = Field(default=20, ge=1, le=200)
    database_max_overflow: int = Field(default=10, ge=0, le=200)
    database_pool_timeout: float = Field(default=30.0, gt=0)  # seconds a session waits for a connection
    storage_url: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    vector_store_path: Path = Path("./enterprise_chroma_db")
    chroma_url: str | None = None
    embedding_model: str = "minilm-int8-onnx"
    embedding_threads: int = 0
    # Word pieces of each passage the packaged MiniLM reads (queries are always read whole, up to
    # 256). all-MiniLM-L6-v2 was trained on 128; reading 256 costs 2.2 times as much a chunk.
    embedding_max_tokens: int = Field(default=256, ge=16, le=512)
    # Where the default model's graph, rewritten with its attention fused, is kept for the next
    # process (unset: DATA_DIR/models); processes with data directories of their own may share one.
    model_cache_dir: Path | None = None
    # An OpenAI-compatible /embeddings server for EMBEDDING_MODEL=openai:<model> other than the
    # LLM's (text-embeddings-inference, vLLM, Ollama…); unset, OPENAI_BASE_URL and OPENAI_API_KEY.
    embedding_base_url: str | None = None
    embedding_api_key: str | None = None
    # Vectors each process keeps in memory for exact ranking within documents (least recently
    # asked dropped first): vectors × dimensions × 4 bytes, 384 dimensions: 1.5 KB a vector.
    dense_cache_vectors: int = Field(default=400_000, ge=0)
    # Answers each API process keeps for a question asked again while the enterprise's documents
    # are unchanged (a few KB each); 0 keeps none.
    answer_cache_entries: int = Field(default=2048, ge=0)
    # Financial facts each process keeps for questions about figures (per filing, until its
    # document changes; about 0.3 KB each); 0 keeps none.
    facts_cache_rows: int = Field(default=200_000, ge=0)
    # Passages each process keeps for the questions that read them again (about 2 KB each); 0 keeps none.
    chunk_cache_rows: int = Field(default=20_000, ge=0)

    # Enterprise product
    enterprise_enabled: bool = False
    enterprise_max_documents: int = 10_000
    max_file_size: int = 104_857_600
    supported_formats: str = "pdf,docx,xlsx,csv,txt,json"
    enable_advanced_analytics: bool = True
    enable_financial_parsing: bool = True
    enable_table_extraction: bool = True
    enable_auto_reports: bool = False
    report_schedule_cron: str = "0 9 * * 1"
    # How long a computed analytics result is served before it is computed again (it is
    # recomputed at once when the documents, questions or facts it reads change).
    analytics_cache_seconds: int = Field(default=900, ge=0)
    # US dollars per million tokens, for the estimated cost in analytics (gpt-4o-mini's list price).
    llm_prompt_cost_per_million: float = Field(default=0.15, ge=0)
    llm_completion_cost_per_million: float = Field(default=0.60, ge=0)
    # Reports by e-mail: smtp://user:password@host:587 (STARTTLS), smtps://host:465, or
    # smtp://host:25 with no TLS for a relay on a private network. Unset: reports are not mailed.
    smtp_url: str | None = None
    smtp_from: str = "Enterprise AI Brain <reports@localhost>"
    # The dashboard's address as a reader of a mailed report reaches it, for the report's links.
    public_base_url: str = ""

    # Outgoing webhooks: the first retry's wait (each next one four times longer, at most 12 h),
    # attempts before a delivery is given up, and whether receivers may be on private networks
    # or plain http (development, or a deployment whose receivers are all internal).
    webhook_retry_seconds: float = Field(default=30.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1, le=20)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_allow_private_networks: bool = False

    # Connectors: OAuth clients registered with each source. The addresses are the sources' own
    # unless set (a proxy, a regional endpoint, or a local server in the tests).
    google_drive_client_id: str | None = None
    google_drive_client_secret: str | None = None
    google_accounts_url: str = "https://accounts.google.com"
    google_oauth_token_url: str = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address)
    google_api_url: str = "https://www.googleapis.com"
    dropbox_app_key: str | None = None
    dropbox_web_url: str = "https://www.dropbox.com"
    dropbox_api_url: str = "https://api.dropboxapi.com"
    dropbox_content_url: str = "https://content.dropboxapi.com"
    salesforce_client_id: str | None = None
    salesforce_client_secret: str | None = None
    salesforce_login_url: str = "https://login.salesforce.com"
    # Minutes between scheduled syncs of a connector, unless the connector sets its own.
    connector_sync_minutes: int = Field(default=60, ge=5)
    # The first wait before a source's failed request (5xx, timeout) is tried again; each next
    # one twice as long, six attempts in all.
    connector_retry_seconds: float = Field(default=1.0, gt=0)

    # HTTP
    cors_origins: str = ""

    # Chatbot product
    chatbot_max_file_size: int = 10_485_760

    migrations_dir: Path = Field(default=REPO_ROOT / "migrations")

    @field_validator("supported_formats")
    @classmethod
    def _normalise_formats(cls, value: str) -> str:
        return ",".join(part.strip().lower().lstrip(".") for part in value.split(",") if part.strip())

    @field_validator("report_schedule_cron")
    @classmethod
    def _five_cron_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError("REPORT_SCHEDULE_CRON needs five fields: minute hour day month weekday")
        return value

    @model_validator(mode="after")
    def _refuse_password_hashing_below_owasp(self) -> Settings:
        passes = self.password_hash_iterations
        least = ARGON2_MIN_MEMORY_KIB.get(passes, ARGON2_MIN_MEMORY_KIB_FROM_5_PASSES)
        if self.password_hash_memory_kib < least:
            raise ValueError(
                f"PASSWORD_HASH_MEMORY_KIB={self.password_hash_memory_kib} is below OWASP's minimum for "
                f"PASSWORD_HASH_ITERATIONS={passes}: at least {least} KiB"
            )
        return self

    @model_validator(mode="after")
    def _refuse_weak_secret_in_production(self) -> Settings:
        if self.environment != "production":
            return self
        if self.jwt_secret_key == DEFAULT_JWT_SECRET or len(self.jwt_secret_key) < MIN_PRODUCTION_SECRET_LENGTH:
            raise InsecureConfigurationError(
                "JWT_SECRET_KEY must be set to a random value of at least "
                f"{MIN_PRODUCTION_SECRET_LENGTH} characters when ENVIRONMENT=production"
            )
        return self

    @property
    def supported_format_set(self) -> frozenset[str]:
        return frozenset(self.supported_formats.split(","))

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def run_jobs_in_process(self) -> bool:
        return self.jobs_in_process if self.jobs_in_process is not None else self.redis_url is None

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def sqlite_dir(self) -> Path:
        return self.data_dir / "db"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
