"""Full-text search over the enterprise's passages, as `GET /search` returns it: the lexical
index alone, available as soon as a document is searchable (before its vectors are made)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from enterprise.answers import lexical
from enterprise.auth.models import User
from enterprise.documents import repository as documents
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
    chunks = {c.id: c for c in documents.chunks_by_ids(session, user.enterprise_id, [h.chunk_id for h in hits])}
    by_id = {
        d.id: d
        for d in documents.documents_by_ids(session, user.enterprise_id, [c.document_id for c in chunks.values()])
    }
    return [
        SearchHit(chunks[h.chunk_id], by_id[chunks[h.chunk_id].document_id], h.score)
        for h in hits
        if h.chunk_id in chunks and chunks[h.chunk_id].document_id in by_id
    ]
