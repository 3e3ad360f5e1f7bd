"""Search over the enterprise's passages, as `GET /search` returns it: by their words (the lexical
index alone, available as soon as a document is searchable, before its vectors are made), or by
meaning (the dense vectors of the documents that are ready)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from enterprise.answers import lexical
from enterprise.answers.hybrid import DenseSearcher
from enterprise.auth.models import User
from enterprise.documents import repository as documents
from enterprise.documents.catalogue import SearchableCatalogue
from enterprise.documents.models import Chunk, Document


@dataclass(frozen=True)
class SearchHit:
    chunk: Chunk
    document: Document
    score: float


def search_text(
    session: Session, user: User, query: str, limit: int, document_ids: Sequence[uuid.UUID] | None
) -> list[SearchHit]:
    hits = lexical.search(session, user.enterprise_id, query, limit, document_ids)
    return _search_hits(session, user, [(h.chunk_id, h.score) for h in hits])


def search_meaning(
    session: Session,
    dense: DenseSearcher,
    catalogue: SearchableCatalogue,
    user: User,
    query: str,
    limit: int,
    document_ids: Sequence[uuid.UUID] | None,
) -> list[SearchHit]:
    """The passages nearest in meaning to `query`, whatever their words; documents not yet ready
    (no vectors) are not searched."""
    allowed = catalogue.searchable(session, user.enterprise_id, documents.DocumentFilters(), document_ids).documents
    hits = dense.search(user.enterprise_id, query, allowed, whole_enterprise=document_ids is None)[:limit]
    return _search_hits(session, user, [(h.chunk_id, h.score) for h in hits])


def _search_hits(session: Session, user: User, scored: list[tuple[uuid.UUID, float]]) -> list[SearchHit]:
    chunks = {c.id: c for c in documents.chunks_by_ids(session, user.enterprise_id, [c for c, _ in scored])}
    by_id = {
        d.id: d
        for d in documents.documents_by_ids(session, user.enterprise_id, [c.document_id for c in chunks.values()])
    }
    return [
        SearchHit(chunks[chunk_id], by_id[chunks[chunk_id].document_id], score)
        for chunk_id, score in scored
        if chunk_id in chunks and chunks[chunk_id].document_id in by_id
    ]
