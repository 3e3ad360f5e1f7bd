"""The per-process cache of document vectors (exact ranking within documents) holds at most
DENSE_CACHE_VECTORS vectors, dropping the least recently asked document first."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import numpy as np
from chromadb.api.models.Collection import Collection

from enterprise.answers.vectors import DocumentVectorCache, add_vectors, collection_for
from enterprise.runtime import EnterpriseRuntime
from shared.embeddings import Embedder, QueryVectorCache, get_embedder
from shared.settings import Settings
from shared.vectorstore import get_chroma_client


def _collection_with(documents: int, chunks: int) -> tuple[Collection, uuid.UUID, list[uuid.UUID]]:
    settings = Settings()
    embedder = get_embedder(settings)
    enterprise_id = uuid.uuid4()
    collection = collection_for(get_chroma_client(settings), embedder, enterprise_id)
    rng = np.random.default_rng(7)
    ids = [uuid.uuid4() for _ in range(documents)]
    for document_id in ids:
        vectors = rng.normal(size=(chunks, embedder.dimension)).tolist()
        metadata = {"document_id": str(document_id), "page": 1, "kind": "text", "text_key": "k"}
        add_vectors(collection, enterprise_id, [uuid.uuid4() for _ in range(chunks)], vectors, [metadata] * chunks)
    return collection, enterprise_id, ids


def test_the_cache_keeps_within_its_budget_least_recent_out_first() -> None:
    collection, enterprise_id, (first, second, third) = _collection_with(3, 10)
    cache = DocumentVectorCache(max_vectors=25)
    for document_id in (first, second):
        assert len(cache.matrix(lambda: collection, enterprise_id, document_id, "v1").chunk_ids) == 10
    assert cache.held_vectors == 20
    cache.matrix(lambda: collection, enterprise_id, first, "v1")  # first is now the most recent
    cache.matrix(lambda: collection, enterprise_id, third, "v1")
    assert cache.held_vectors == 20  # second went, the least recently asked
    again = cache.matrix(lambda: collection, enterprise_id, first, "v1")
    assert cache.held_vectors == 20
    assert np.allclose(np.linalg.norm(again.vectors, axis=1), 1.0)

    nothing = DocumentVectorCache(max_vectors=0)
    assert len(nothing.matrix(lambda: collection, enterprise_id, first, "v1").chunk_ids) == 10
    assert nothing.held_vectors == 0  # answered, kept nowhere


def test_the_budget_comes_from_the_settings() -> None:
    runtime = EnterpriseRuntime.from_settings(Settings(dense_cache_vectors=1234))
    try:
        assert runtime.vector_cache.max_vectors == 1234
    finally:
        runtime.engine.dispose()


def test_documents_not_held_are_read_together_and_each_gets_its_own_vectors() -> None:
    collection, enterprise_id, (first, second, third) = _collection_with(3, 4)
    cache = DocumentVectorCache(max_vectors=100)
    held = cache.matrix(lambda: collection, enterprise_id, first, "v1")
    unknown = uuid.uuid4()
    asked = [(first, "v1"), (second, "v1"), (unknown, "v1"), (third, "v1")]
    matrices = cache.matrices(lambda: collection, enterprise_id, asked)
    assert matrices[0] is held  # held already: not read again
    assert [len(m.chunk_ids) for m in matrices] == [4, 4, 0, 4]
    stored: dict[str, list[str]] = {}
    result = collection.get(include=["metadatas"])
    for chunk_id, metadata in zip(result["ids"], result["metadatas"] or [], strict=True):
        stored.setdefault(str(metadata["document_id"]), []).append(chunk_id)
    for (document_id, _), matrix in zip(asked, matrices, strict=True):
        assert sorted(str(c) for c in matrix.chunk_ids) == sorted(stored.get(str(document_id), []))
    assert cache.held_vectors == 13  # the unknown document, without vectors, counts one
    # Another enterprise's id reads nothing of this one's vectors.
    assert cache.matrices(lambda: collection, uuid.uuid4(), [(second, "v2")])[0].chunk_ids == []


class _CountingModel:
    """The packaged model, counting the questions it embeds."""

    def __init__(self, model: Embedder) -> None:
        self.name, self.dimension, self.model, self.embedded = model.name, model.dimension, model, 0

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return self.model.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.embedded += 1
        return self.model.embed_query(text)


def test_a_question_asked_again_is_not_embedded_again() -> None:
    model = _CountingModel(get_embedder(Settings()))
    embedder = QueryVectorCache(model, queries=1)
    first = embedder.embed_query("What was the gross margin in 2019?")
    assert np.allclose(first, model.model.embed_query("What was the gross margin in 2019?"), atol=1e-6)
    assert embedder.embed_query("What was the gross margin in 2019?") == first
    assert model.embedded == 1  # kept, not embedded again
    other = embedder.embed_query("How many employees did the company have?")
    assert not np.allclose(other, first)
    # Bound of one: the first question went, so it is embedded again (the same vector).
    assert np.allclose(embedder.embed_query("What was the gross margin in 2019?"), first, atol=1e-6)
    assert model.embedded == 3
