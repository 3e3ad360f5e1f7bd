"""Each enterprise's own Chroma collection; every read and write names the enterprise."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from enterprise.lru import BoundedLRU
from shared.embeddings import Embedder
from shared.vectorstore import model_collection

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

COLLECTION_PREFIX = "enterprise_"


@dataclass(frozen=True)
class DenseHit:
    chunk_id: uuid.UUID
    score: float


def collection_for(client: ClientAPI, embedder: Embedder, enterprise_id: uuid.UUID) -> Collection:
    return model_collection(client, f"{COLLECTION_PREFIX}{enterprise_id.hex}", embedder)


def add_vectors(
    collection: Collection,
    enterprise_id: uuid.UUID,
    chunk_ids: Sequence[uuid.UUID],
    vectors: Sequence[Sequence[float]],
    metadatas: Sequence[dict[str, Any]],
) -> None:
    collection.upsert(
        ids=[str(c) for c in chunk_ids],
        embeddings=[list(v) for v in vectors],  # type: ignore[arg-type]
        metadatas=[{**m, "enterprise_id": str(enterprise_id)} for m in metadatas],
    )


def text_key(text: str) -> str:
    """What a vector is reused by: the exact text it was made from (and nothing else)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def reusable_vectors(
    collection: Collection, enterprise_id: uuid.UUID, document_id: uuid.UUID
) -> tuple[dict[str, list[float]], list[str]]:
    """The document's stored vectors by the key of their text, and every stored id.

    A re-indexed document gets new chunk ids; a chunk whose text did not change keeps its
    vector instead of being embedded again (the embedding is the slow stage of ingestion).
    """
    result: Any = collection.get(
        where={"$and": [{"enterprise_id": str(enterprise_id)}, {"document_id": str(document_id)}]},
        include=["embeddings", "metadatas"],
    )
    ids = list(result["ids"])
    embeddings = result["embeddings"]
    if embeddings is None or not ids:
        return {}, ids
    by_key: dict[str, list[float]] = {}
    for metadata, vector in zip(result["metadatas"], embeddings, strict=True):
        key = (metadata or {}).get("text_key")
        if key:
            by_key[str(key)] = [float(v) for v in vector]
    return by_key, ids


def delete_vectors(collection: Collection, ids: Sequence[str]) -> None:
    for start in range(0, len(ids), DELETE_BATCH):
        collection.delete(ids=list(ids[start : start + DELETE_BATCH]))


DELETE_BATCH = 5000


def delete_document_vectors(collection: Collection, enterprise_id: uuid.UUID, document_id: uuid.UUID) -> None:
    collection.delete(where={"$and": [{"enterprise_id": str(enterprise_id)}, {"document_id": str(document_id)}]})


def search(
    collection: Collection,
    enterprise_id: uuid.UUID,
    query_vector: Sequence[float],
    limit: int,
    document_ids: Sequence[uuid.UUID] | None = None,
) -> list[DenseHit]:
    """Approximate (HNSW) search of the enterprise's own collection.

    The collection already holds one enterprise only; a `where` on the enterprise would make
    Chroma filter every query (tens of milliseconds), so the enterprise is checked on each hit
    instead, and a hit of any other enterprise is dropped.
    """
    count = collection.count()
    if count == 0 or (document_ids is not None and not document_ids):
        return []
    where: dict[str, Any] | None = None
    if document_ids is not None:
        where = {
            "$and": [{"enterprise_id": str(enterprise_id)}, {"document_id": {"$in": [str(d) for d in document_ids]}}]
        }
    result: Any = collection.query(
        query_embeddings=[list(query_vector)],  # type: ignore[arg-type]
        n_results=min(limit, count),
        where=where,
        include=["distances", "metadatas"],
    )
    owner = str(enterprise_id)
    return [
        DenseHit(uuid.UUID(i), 1.0 - float(d))
        for i, d, m in zip(result["ids"][0], result["distances"][0], result["metadatas"][0], strict=True)
        if (m or {}).get("enterprise_id") == owner
    ]


@dataclass(frozen=True)
class _Matrix:
    chunk_ids: list[uuid.UUID]
    vectors: np.ndarray  # rows L2-normalised, so a dot product is the cosine


class DocumentVectorCache:
    """The vectors of recently asked documents, held in memory for exact ranking.

    Chroma's filtered HNSW query costs tens of milliseconds and is approximate; a question
    routed to one filing (a few hundred to a few thousand chunks) is ranked exactly here in
    about a millisecond. Keyed by the document's version, so a re-indexed document is reloaded.
    """

    def __init__(self, max_vectors: int = 400_000) -> None:
        # A document without vectors (not embedded yet) weighs one: it is kept too, not asked again.
        self._entries: BoundedLRU[tuple[uuid.UUID, uuid.UUID, str], _Matrix] = BoundedLRU(
            max_vectors, lambda matrix: max(1, len(matrix.chunk_ids))
        )

    @property
    def max_vectors(self) -> int:
        return self._entries.bound

    @property
    def held_vectors(self) -> int:
        """The vectors kept, a document without any counting one."""
        return self._entries.weight

    def matrix(
        self, collection: Callable[[], Collection], enterprise_id: uuid.UUID, document_id: uuid.UUID, version: str
    ) -> _Matrix:
        return self.matrices(collection, enterprise_id, [(document_id, version)])[0]

    def matrices(
        self,
        collection: Callable[[], Collection],
        enterprise_id: uuid.UUID,
        documents: Sequence[tuple[uuid.UUID, str]],
    ) -> list[_Matrix]:
        """Each (document, version)'s vectors; those not held are read from Chroma in one request.
        `collection` opens the enterprise's collection, only when something must be read (opening
        it asks Chroma's server, a round trip that a question answered from memory does not need)."""
        keys = [(enterprise_id, document_id, version) for document_id, version in documents]
        found = {key: held for key in keys if (held := self._entries.get(key)) is not None}
        missing = [key for key in keys if key not in found]
        if missing:
            loaded = _load_matrices(collection(), enterprise_id, [document_id for _, document_id, _ in missing])
            for key in missing:
                found[key] = loaded[key[1]]
                self._entries.put(key, found[key])
        return [found[key] for key in keys]


_EMPTY = _Matrix([], np.zeros((0, 0), dtype=np.float32))


def _load_matrices(
    collection: Collection, enterprise_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, _Matrix]:
    where: dict[str, Any] = {
        "$and": [{"enterprise_id": str(enterprise_id)}, {"document_id": {"$in": [str(d) for d in document_ids]}}]
    }
    result: Any = collection.get(where=where, include=["embeddings", "metadatas"])
    embeddings = result["embeddings"]
    rows: dict[str, list[int]] = {}
    for row, metadata in enumerate(result["metadatas"] or []):
        rows.setdefault(str((metadata or {}).get("document_id")), []).append(row)
    matrices = dict.fromkeys(document_ids, _EMPTY)
    if embeddings is None or not rows:
        return matrices
    everything = np.asarray(embeddings, dtype=np.float32)
    for document_id in document_ids:
        picked = rows.get(str(document_id))
        if not picked:
            continue
        vectors = everything[picked]
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        matrices[document_id] = _Matrix([uuid.UUID(result["ids"][i]) for i in picked], vectors)
    return matrices


def exact_search(matrices: Sequence[_Matrix], query_vector: Sequence[float], limit: int) -> list[DenseHit]:
    """Cosine ranking over every vector of the given documents."""
    filled = [m for m in matrices if m.chunk_ids]
    if not filled:
        return []
    query = np.asarray(query_vector, dtype=np.float32)
    query /= max(float(np.linalg.norm(query)), 1e-12)
    scores = np.concatenate([m.vectors @ query for m in filled])
    ids = [chunk_id for m in filled for chunk_id in m.chunk_ids]
    best = np.argsort(-scores)[:limit]
    return [DenseHit(ids[i], float(scores[i])) for i in best]
