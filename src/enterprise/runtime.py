"""What the enterprise product needs while it runs, built once per process from settings."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import structlog
from redis.exceptions import RedisError
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from enterprise.answers.answer_cache import AnswerCache
from enterprise.answers.hybrid import DenseSearcher
from enterprise.answers.vectors import DocumentVectorCache, collection_for, delete_document_vectors
from enterprise.auth.service import TokenPolicy
from enterprise.database import SCHEMA, enforce_tenant_setting
from enterprise.documents.catalogue import SearchableCatalogue
from enterprise.documents.chunk_cache import ChunkCache
from enterprise.documents.models import Document
from enterprise.documents.storage import OriginalStore, original_store
from enterprise.finance import repository as finance_repository
from enterprise.finance.books import FactBooks
from shared.database import create_db_engine, create_session_factory
from shared.embeddings import Embedder, get_embedder
from shared.llm import get_chat_model
from shared.rate_limit import LoginThrottle
from shared.secrets import configure_secrets
from shared.security import TokenCodec
from shared.settings import Settings, get_settings
from shared.vectorstore import get_chroma_client

if TYPE_CHECKING:  # Chroma and LangChain load when first used: `brain` commands start without them.
    from chromadb.api import ClientAPI
    from langchain_core.language_models.chat_models import BaseChatModel

log = structlog.get_logger(__name__)
TOKEN_AUDIENCE = "enterprise"  # noqa: S105 (not a secret)


@dataclass
class EnterpriseRuntime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    tokens: TokenPolicy
    store: OriginalStore
    login_throttle: LoginThrottle
    lifespan_entries: int = field(default=0)
    vector_cache: DocumentVectorCache = field(default_factory=DocumentVectorCache)
    answer_cache: AnswerCache = field(default_factory=AnswerCache)
    document_catalogue: SearchableCatalogue = field(default_factory=SearchableCatalogue)
    fact_books: FactBooks = field(default_factory=FactBooks)
    chunk_cache: ChunkCache = field(default_factory=ChunkCache)
    _chat_model: BaseChatModel | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, owner: bool = False) -> EnterpriseRuntime:
        """`owner`: connect as the tables' owner (CLI, jobs), past row-level security."""
        engine = create_db_engine(settings, [SCHEMA], owner=owner)
        tokens = TokenPolicy(
            codec=TokenCodec.for_audience(settings, TOKEN_AUDIENCE),
            access_lifetime=timedelta(minutes=settings.access_token_minutes),
            invite_lifetime=timedelta(hours=settings.invite_token_hours),
        )
        configure_secrets(settings)
        session_factory = create_session_factory(engine)
        enforce_tenant_setting(session_factory)
        return cls(
            settings=settings,
            engine=engine,
            session_factory=session_factory,
            tokens=tokens,
            store=original_store(settings),
            login_throttle=LoginThrottle.from_settings(settings),
            vector_cache=DocumentVectorCache(settings.dense_cache_vectors),
            answer_cache=AnswerCache(settings.answer_cache_entries),
            fact_books=FactBooks(settings.facts_cache_rows),
            chunk_cache=ChunkCache(settings.chunk_cache_rows),
        )

    def vector_client(self) -> ClientAPI:
        return get_chroma_client(self.settings)

    def embedder(self) -> Embedder:
        return get_embedder(self.settings)

    def chat_model(self) -> BaseChatModel | None:
        """The configured LLM client, made once; None without OPENAI_API_KEY or OPENAI_BASE_URL."""
        if self._chat_model is None and self.settings.llm_configured:
            self._chat_model = get_chat_model(self.settings)
        return self._chat_model

    # The documents domain's listeners (enterprise.documents.listeners): the runtime knows every
    # domain, so documents itself imports none of those that derive data from a document.
    def document_removed(self, session: Session, document: Document) -> None:
        collection = collection_for(self.vector_client(), self.embedder(), document.enterprise_id)
        delete_document_vectors(collection, document.enterprise_id, document.id)
        finance_repository.delete_for_document(session, document.enterprise_id, document.id)

    # A job's enqueueing is a nudge: its record (document, report, run, delivery) is committed
    # first, and the minute ticks pick up any the queue never got (Redis down, or restarted without
    # persistence). So a queue that cannot be reached does not fail the request that made the record.
    def document_queued(self, document_id: uuid.UUID) -> None:
        from enterprise.ingestion.tasks import enqueue_ingestion  # the job queue is built on first use

        _nudge("document", enqueue_ingestion, document_id)

    def report_requested(self, report_id: uuid.UUID) -> None:
        from enterprise.reports.tasks import enqueue_report  # the job queue is built on first use

        _nudge("report", enqueue_report, report_id)

    def sync_requested(self, run_id: uuid.UUID) -> None:
        from enterprise.connectors.tasks import enqueue_sync  # the job queue is built on first use

        _nudge("connector_run", enqueue_sync, run_id)

    def webhooks_recorded(self) -> None:
        """Events were committed for webhook endpoints: have a worker send them now."""
        from enterprise.webhooks.tasks import enqueue_delivery  # the job queue is built on first use

        _nudge("webhooks", enqueue_delivery)

    def dense_searcher(self) -> DenseSearcher:
        return DenseSearcher(self.vector_client(), self.embedder(), self.vector_cache)


def _nudge(kind: str, enqueue: Callable[..., object], *args: uuid.UUID) -> None:
    try:
        enqueue(*args)
    except (RedisError, OSError) as exc:
        log.warning("job.enqueue_failed", kind=kind, ids=[str(a) for a in args], error=str(exc))


@lru_cache(maxsize=1)
def worker_runtime() -> EnterpriseRuntime:
    """The runtime of this process's job workers: the tables' owner, past row-level security."""
    return EnterpriseRuntime.from_settings(get_settings(), owner=True)
