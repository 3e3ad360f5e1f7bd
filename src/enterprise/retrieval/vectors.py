"""Each enterprise's own Chroma collection; every read and write names the enterprise."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection

from shared.embeddings import Embedder
from shared.vectorstore import model_collection

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


def delete_document_vectors(collection: Collection, enterprise_id: uuid.UUID, document_id: uuid.UUID) -> None:
    collection.delete(where={"$and": [{"enterprise_id": str(enterprise_id)}, {"document_id": str(document_id)}]})


def search(
    collection: Collection,
    enterprise_id: uuid.UUID,
    query_vector: Sequence[float],
    limit: int,
    document_ids: Sequence[uuid.UUID] | None = None,
) -> list[DenseHit]:
    if collection.count() == 0 or (document_ids is not None and not document_ids):
        return []
    conditions: list[dict[str, Any]] = [{"enterprise_id": str(enterprise_id)}]
    if document_ids is not None:
        conditions.append({"document_id": {"$in": [str(d) for d in document_ids]}})
    where: dict[str, Any] = conditions[0] if len(conditions) == 1 else {"$and": conditions}
    result: Any = collection.query(
        query_embeddings=[list(query_vector)],  # type: ignore[arg-type]
        n_results=min(limit, collection.count()),
        where=where,
        include=["distances"],
    )
    return [
        DenseHit(uuid.UUID(i), 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)
    ]
