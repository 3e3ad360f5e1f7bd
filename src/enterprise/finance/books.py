"""Each process's copy of the filings' facts, as the books a question about a figure reads.

A question about a figure reads every fact of the filings it may draw on, hundreds a filing: as
ORM rows that was a third of a facts answer's CPU (bench/question_profile.py), again for every
question. A filing's facts change only with its document (they are replaced in the transaction
that records the document's `facts` stage, which moves its last change), so a book is kept per
(document, last change) and read again only when the document changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from enterprise.documents.models import Document
from enterprise.finance import repository
from enterprise.finance.metrics import FactBook
from enterprise.lru import BoundedLRU

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
        self._held: BoundedLRU[tuple[uuid.UUID, uuid.UUID], _Held] = BoundedLRU(max_facts, lambda held: held.size)

    @property
    def max_facts(self) -> int:
        return self._held.bound

    def books(
        self, session: Session, enterprise_id: uuid.UUID, documents: Sequence[Document]
    ) -> dict[uuid.UUID, FactBook]:
        """The book of each of `documents` (of `enterprise_id`) by id; empty for a filing without facts."""
        found: dict[uuid.UUID, FactBook] = {}
        for document in documents:
            held = self._held.get((enterprise_id, document.id))
            if held is not None and held.changed == document.updated_at:
                found[document.id] = held.book
        missing = [d for d in documents if d.id not in found]
        for start in range(0, len(missing), LOAD_BATCH):
            batch = missing[start : start + LOAD_BATCH]
            loaded = _read(session, enterprise_id, [d.id for d in batch])
            for document in batch:
                facts = loaded.get(document.id, [])
                book = found[document.id] = FactBook(facts)
                self._held.put((enterprise_id, document.id), _Held(document.updated_at, book, max(1, len(facts))))
        return found


def _read(session: Session, enterprise_id: uuid.UUID, document_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[HeldFact]]:
    by_document: dict[uuid.UUID, list[HeldFact]] = {}
    for row in repository.fact_values_of_documents(session, enterprise_id, document_ids):
        by_document.setdefault(row["document_id"], []).append(HeldFact(**row))
    return by_document
