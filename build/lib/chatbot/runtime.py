from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from chromadb.api import ClientAPI
from langchain_core.language_models.chat_models import BaseChatModel
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from chatbot.database import SCHEMA
from shared.database import create_db_engine, create_session_factory
from shared.embeddings import Embedder, get_embedder
from shared.llm import get_chat_model
from shared.security import TokenCodec
from shared.settings import Settings
from shared.vectorstore import get_chroma_client

TOKEN_AUDIENCE = "chatbot"  # noqa: S105 (not a secret)


@dataclass
class ChatbotRuntime:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    tokens: TokenCodec
    token_lifetime: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatbotRuntime:
        engine = create_db_engine(settings, [SCHEMA])
        return cls(
            settings=settings,
            engine=engine,
            session_factory=create_session_factory(engine),
            tokens=TokenCodec.for_audience(settings, TOKEN_AUDIENCE),
            token_lifetime=timedelta(minutes=settings.access_token_minutes),
        )

    def vector_client(self) -> ClientAPI:
        return get_chroma_client(self.settings)

    def embedder(self) -> Embedder:
        return get_embedder(self.settings)

    def chat_model(self) -> BaseChatModel | None:
        return get_chat_model(self.settings)
