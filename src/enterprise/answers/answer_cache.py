"""Answers kept by this process for the same question asked again while nothing it read changed.

Executives ask the same few questions (the dashboard's, the board meeting's): a repeated
question is answered from here in a few milliseconds instead of the ~100 ms of CPU a search and
ranking cost. An entry is valid only for the documents the question may draw on as they were:
it holds a digest of their ids and last changes, which a document becoming searchable, every
stage of its ingestion, an edit, a re-reading of its statements and its deletion move; a
document elsewhere in the enterprise (outside the question's filters, or not yet searchable)
leaves it alone. Only answers that need no language model are kept: those are wholly determined
by the documents.

When the digest has moved, the answer may still hold: a question about one company's filings
routed to them is not changed by a memo uploaded beside them. Each entry keeps its basis, what
the answer read besides the question (routing's choice, the documents' languages and companies,
each document searched and each spreadsheet at its last change); the basis worked out again on
the documents as they are now, if equal, means the answer pipeline would read exactly the same,
and the answer is served (and kept for the new digest).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from enterprise.answers.extractive import Citation, Draft
from enterprise.answers.models import AnswerMode
from enterprise.answers.routing import Route
from enterprise.documents.models import Document
from enterprise.lru import BoundedLRU


@dataclass(frozen=True)
class _CitedPage:
    document_id: uuid.UUID
    page: int
    snippet: str
    score: float


@dataclass(frozen=True)
class CachedAnswer:
    """A draft without its ORM rows: the cited documents are read again in the asking session."""

    answer: str
    value: float | None
    unit: str | None
    cited: tuple[_CitedPage, ...]
    found: bool
    notes: tuple[str, ...]
    facts: tuple[dict[str, object], ...]
    mode: AnswerMode
    language: str

    @classmethod
    def of(cls, draft: Draft, mode: AnswerMode, language: str) -> CachedAnswer:
        return cls(
            answer=draft.answer,
            value=draft.value,
            unit=draft.unit,
            cited=tuple(_CitedPage(c.document.id, c.page, c.snippet, c.score) for c in draft.citations),
            found=draft.found,
            notes=tuple(draft.notes),
            facts=tuple(copy.deepcopy(draft.facts)),
            mode=mode,
            language=language,
        )

    def draft(self, session: Session, enterprise_id: uuid.UUID) -> Draft | None:
        """A fresh draft for this session; None when a cited document is gone (the key should
        have changed with it, but a deletion may commit between the key's read and this one)."""
        citations: list[Citation] = []
        for cited in self.cited:
            document = session.get(Document, cited.document_id)
            if document is None or document.enterprise_id != enterprise_id:
                return None
            citations.append(Citation(document, cited.page, cited.snippet, cited.score))
        return Draft(
            answer=self.answer,
            value=self.value,
            unit=self.unit,
            citations=citations,
            found=self.found,
            notes=list(self.notes),
            facts=copy.deepcopy(list(self.facts)),
        )


@dataclass(frozen=True)
class AnswerKey:
    enterprise_id: uuid.UUID
    question: str
    scope: Hashable  # the document ids and filters asked for
    top_k: int
    with_model: bool


@dataclass(frozen=True)
class AnswerBasis:
    """What an answer read besides its question; two equal bases give the same answer."""

    route: Route
    languages: frozenset[str]
    # No company named, and the documents are of several: no figure is given (of which one?).
    unnamed_among_several: bool
    # Each document whose passages, facts or tables the answer could read, at its last change.
    documents: frozenset[tuple[uuid.UUID, datetime]]
    # Routing's documents held no passage, so every document was searched.
    widened: bool


@dataclass(frozen=True)
class _Kept:
    stamp: str  # documents.repository.searchable_stamp of the documents the question may draw on
    basis: AnswerBasis
    answer: CachedAnswer


class AnswerCache:
    """Least recently asked dropped first; `entries` 0 keeps nothing."""

    def __init__(self, entries: int = 2048) -> None:
        self._entries: BoundedLRU[AnswerKey, _Kept] = BoundedLRU(entries)

    @property
    def enabled(self) -> bool:
        return self._entries.bound > 0

    def get(self, key: AnswerKey, stamp: str, basis_now: Callable[[AnswerBasis], AnswerBasis]) -> CachedAnswer | None:
        """The answer kept for `key`, when its documents are as they were (`stamp`) or, having
        changed, give the same basis: `basis_now(kept)` works the kept basis out again on the
        documents as they are now."""
        kept = self._entries.get(key)
        if kept is None:
            return None
        if kept.stamp == stamp:
            return kept.answer
        if basis_now(kept.basis) != kept.basis:
            return None
        self._entries.put(key, replace(kept, stamp=stamp))
        return kept.answer

    def put(self, key: AnswerKey, stamp: str, basis: AnswerBasis, answer: CachedAnswer) -> None:
        self._entries.put(key, _Kept(stamp, basis, answer))
