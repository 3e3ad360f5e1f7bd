"""The Chroma client (embedded at VECTOR_STORE_PATH, or a server at CHROMA_URL) and
collections that remember which embedding model filled them."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from shared.embeddings import Embedder
from shared.settings import Settings

if TYPE_CHECKING:  # Chroma (about a second to import) loads with the first client.
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

MODEL_METADATA_KEY = "embedding_model"
DIMENSION_METADATA_KEY = "embedding_dimension"


class EmbeddingModelMismatchError(RuntimeError):
    """A collection holds vectors of another model than the one configured."""


_clients: dict[str, ClientAPI] = {}
_clients_lock = threading.Lock()


def get_chroma_client(settings: Settings) -> ClientAPI:
    key = settings.chroma_url or str(settings.vector_store_path.resolve())
    with _clients_lock:
        if key not in _clients:
            _clients[key] = _connect(settings)
        return _clients[key]


def _connect(settings: Settings) -> ClientAPI:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # Telemetry would try to reach the internet: always off.
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=settings.environment == "test")
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.vector_store_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.vector_store_path), settings=chroma_settings)


def model_collection(client: ClientAPI, name: str, embedder: Embedder) -> Collection:
    """Get or create a cosine collection bound to `embedder`; refuse one filled by another model."""
    metadata: dict[str, Any] = {
        MODEL_METADATA_KEY: embedder.name,
        DIMENSION_METADATA_KEY: embedder.dimension,
        "hnsw:space": "cosine",
    }
    collection = client.get_or_create_collection(name=name, metadata=metadata, embedding_function=None)
    stored_model = (collection.metadata or {}).get(MODEL_METADATA_KEY)
    if stored_model != embedder.name:
        raise EmbeddingModelMismatchError(
            f"collection {name!r} holds vectors of {stored_model!r}, but EMBEDDING_MODEL is "
            f"{embedder.name!r}: re-index, or set EMBEDDING_MODEL back"
        )
    return collection


def ping(client: ClientAPI) -> None:
    client.heartbeat()
