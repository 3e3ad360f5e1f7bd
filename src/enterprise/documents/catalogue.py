"""Each process's copy of the enterprises' searchable documents, which every question reads.

A question routes among all the documents it may draw on: up to 10,000 in an enterprise, whose
rows take seconds to load. They are kept here between questions, detached from any session and
never changed, and read again only where they changed: PostgreSQL's digest of every (id, last
change) says whether a list is current, and then only the documents whose last change moved
are loaded.
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy.orm import Session

from enterprise.documents import repository
from enterprise.documents.models import Document
from enterprise.documents.repository import DocumentFilters
from enterprise.lru import BoundedLRU

LOAD_BATCH = 1000
T = TypeVar("T")


@dataclass
class SearchableListing:
    """The documents a question may draw on, the same object while none of them changes."""

    stamp: str
    documents: list[Document]
    _derived: dict[str, Any] = field(default_factory=dict)

    def derived(self, name: str, compute: Callable[[list[Document]], T]) -> T:
        """What `compute` makes of the documents, made once for this listing: a question over
        10,000 documents does not go through them all again for what they have not changed."""
        if name not in self._derived:
            self._derived[name] = compute(self.documents)
        return cast(T, self._derived[name])


class SearchableCatalogue:
    """`max_documents` documents kept at most (least recently listed dropped first), in at most
    `max_listings` lists (one per enterprise and set of filters asked)."""

    def __init__(self, max_documents: int = 50_000, max_listings: int = 256) -> None:
        # By the database's print of the id: (the print of its last change, the document).
        self._documents: BoundedLRU[str, tuple[str, Document]] = BoundedLRU(max_documents)
        self._listings: BoundedLRU[Hashable, SearchableListing] = BoundedLRU(max_listings)
        # A list's reading lock lives while a question holds it (waits on it or reads).
        self._reading: weakref.WeakValueDictionary[Hashable, threading.Lock] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def searchable(
        self,
        session: Session,
        enterprise_id: uuid.UUID,
        filters: DocumentFilters,
        document_ids: Sequence[uuid.UUID] | None,
        stamp: str | None = None,
    ) -> SearchableListing:
        """The searchable documents within `filters` and `document_ids` (those of
        `repository.searchable_version_keys`), as detached rows not to be changed. `stamp`:
        `repository.searchable_stamp` of the same, when the caller has just read it."""
        if document_ids is not None and not document_ids:
            return SearchableListing("", [])
        key = (enterprise_id, filters, None if document_ids is None else frozenset(document_ids))
        if stamp is None:
            stamp = repository.searchable_stamp(session, enterprise_id, filters, document_ids)
        current = self._listing(key, stamp)
        if current is not None:
            return current
        # One reading of a list at a time: the questions that arrive while an enterprise's
        # 10,000 documents are first read wait for that reading instead of each doing it again.
        with self._lock:
            reading = self._reading.setdefault(key, threading.Lock())
        with reading:
            current = self._listing(key, stamp)
            if current is not None:
                return current
            versions = repository.searchable_version_keys(session, enterprise_id, filters, document_ids)
            listing = SearchableListing(stamp, self._current(session, enterprise_id, versions))
            self._listings.put(key, listing)
        return listing

    def _listing(self, key: Hashable, stamp: str) -> SearchableListing | None:
        listing = self._listings.get(key)
        return listing if listing is not None and listing.stamp == stamp else None

    def _current(self, session: Session, enterprise_id: uuid.UUID, versions: list[tuple[str, str]]) -> list[Document]:
        held = {key: kept for key, _ in versions if (kept := self._documents.get(key)) is not None}
        stale = [uuid.UUID(key) for key, version in versions if key not in held or held[key][0] != version]
        for start in range(0, len(stale), LOAD_BATCH):
            batch = stale[start : start + LOAD_BATCH]
            for document, key, version in repository.documents_with_version_keys(session, enterprise_id, batch):
                # Detached with every column loaded: readable from any thread, never refreshed.
                session.expunge(document)
                held[key] = (version, document)
                self._documents.put(key, held[key])
        return [held[key][1] for key, _ in versions if key in held]
