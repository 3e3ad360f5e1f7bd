"""Each process's copy of the passages questions read, by id.

Every question reads its hundred candidate passages as rows, and a team's questions are mostly
about the same filings. A passage is never edited; it is deleted or written anew only with a
change of its document (read again, deleted). So a passage read once is kept, detached from any
session, with its document's last change at the time, and is read again only when that document
has changed since.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from enterprise.documents import repository
from enterprise.documents.models import Chunk, Document
from enterprise.lru import BoundedLRU


class ChunkCache:
    """`max_chunks` passages at most (least recently read dropped first); 0 keeps none."""

    def __init__(self, max_chunks: int = 20_000) -> None:
        self._held: BoundedLRU[tuple[uuid.UUID, uuid.UUID], tuple[datetime, Chunk]] = BoundedLRU(max_chunks)

    @property
    def max_chunks(self) -> int:
        return self._held.bound

    def chunks(
        self,
        session: Session,
        enterprise_id: uuid.UUID,
        ids: Sequence[uuid.UUID],
        documents: Mapping[uuid.UUID, Document],
    ) -> list[Chunk]:
        """The passages among `ids` of `enterprise_id` that belong to `documents` (by id, as the
        caller listed them), as rows not to be changed."""
        found: list[Chunk] = []
        for chunk_id in ids:
            held = self._held.get((enterprise_id, chunk_id))
            document = documents.get(held[1].document_id) if held is not None else None
            if held is not None and document is not None and held[0] == document.updated_at:
                found.append(held[1])
        taken = {c.id for c in found}
        missing = [i for i in ids if i not in taken]
        if not missing:
            return found
        read = [c for c in repository.chunks_by_ids(session, enterprise_id, missing) if c.document_id in documents]
        for chunk in read:
            # Detached with every column loaded: readable from any thread, never refreshed.
            session.expunge(chunk)
        for chunk in read:
            self._held.put((enterprise_id, chunk.id), (documents[chunk.document_id].updated_at, chunk))
        return found + read
