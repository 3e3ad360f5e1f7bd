"""Each process's copy of the filings' facts, as the books a question about a figure reads.

A question about a figure reads every fact of the filings it may draw on, hundreds a filing: as
ORM rows that was a third of a facts answer's CPU (bench/question_profile.py), again for every
question. A filing's facts change only with its document (they are replaced in the transaction
that records the document's `facts` stage, which moves its last change), so a book is kept per
(document, last change) and read again only when the document changed.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from enterprise.documents.models import Document
from enterprise.finance import repository
from enterprise.finance.metrics import FactBook

LOAD_BATCH = 1000


@dataclass(frozen=True, slots=True)
class HeldFact:
    """One fact as a book holds it: the columns a figure, its check and its citation read."""

    document_id: uuid.UUID
    company: str | None
    fiscal_year: int
    period_label: str
    statement: str
    section: str
    line_item: str
    metric: str | None
    value: float
    scale: str | None
    unit: str
    currency: str
    page: int
    row: int
    column: int
    flagged: bool


@dataclass(frozen=True)
class _Held:
    changed: datetime
    book: FactBook
    size: int


class FactBooks:
    """Books of `max_facts` facts at most (least recently read dropped first; a filing without
    facts counts as one); `max_facts=0` keeps none and reads every time."""

    def __init__(self, max_facts: int = 200_000) -> None:
        self._max_facts = max_facts
        self._held: OrderedDict[tuple[uuid.UUID, uuid.UUID], _Held] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def books(
        self, session: Session, enterprise_id: uuid.UUID, documents: Sequence[Document]
    ) -> dict[uuid.UUID, FactBook]:
        """The book of each of `documents` (of `enterprise_id`) by id; empty for a filing without facts."""
        found: dict[uuid.UUID, FactBook] = {}
        with self._lock:
            for document in documents:
                held = self._held.get((enterprise_id, document.id))
                if held is not None and held.changed == document.updated_at:
                    self._held.move_to_end((enterprise_id, document.id))
                    found[document.id] = held.book
        missing = [d for d in documents if d.id not in found]
        for start in range(0, len(missing), LOAD_BATCH):
            batch = missing[start : start + LOAD_BATCH]
            loaded = _read(session, enterprise_id, [d.id for d in batch])
            for document in batch:
                facts = loaded.get(document.id, [])
                found[document.id] = FactBook(facts)
                self._keep(enterprise_id, document, found[document.id], len(facts))
        return found

    def _keep(self, enterprise_id: uuid.UUID, document: Document, book: FactBook, facts: int) -> None:
        size = max(1, facts)
        if size > self._max_facts:
            return
        with self._lock:
            replaced = self._held.pop((enterprise_id, document.id), None)
            self._size -= replaced.size if replaced is not None else 0
            self._held[(enterprise_id, document.id)] = _Held(document.updated_at, book, size)
            self._size += size
            while self._size > self._max_facts:
                _, dropped = self._held.popitem(last=False)
                self._size -= dropped.size


def _read(session: Session, enterprise_id: uuid.UUID, document_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[HeldFact]]:
    by_document: dict[uuid.UUID, list[HeldFact]] = {}
    for row in repository.fact_values_of_documents(session, enterprise_id, document_ids):
        by_document.setdefault(row["document_id"], []).append(HeldFact(**row))
    return by_document
