"""Hybrid retrieval: full-text and dense search of the same documents, fused by reciprocal rank.

Every search is inside one enterprise: the documents come from its rows only, the full-text
query carries its id, and the dense search reads its own collection.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from enterprise.answers import lexical
from enterprise.answers.routing import DocumentProfile, Route
from enterprise.answers.text_match import best_unit, question_terms
from enterprise.answers.vectors import DenseHit, DocumentVectorCache, collection_for, exact_search
from enterprise.answers.vectors import search as dense_search
from enterprise.documents import repository
from enterprise.documents.chunk_cache import ChunkCache
from enterprise.documents.models import Chunk, Document, DocumentStatus
from shared.embeddings import Embedder

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

RRF_K = 60
RERANK_DEPTH = 40
MATCH_WEIGHT = 1.0
# A line item matched on a primary financial statement outranks the same words in a note.
STATEMENT_BOOST = 0.15
CANDIDATES = 60
# Up to this many documents and chunks searched, dense ranking is exact (see DocumentVectorCache);
# past them Chroma's HNSW index ranks. The document bound keeps a question's first reading of the
# vectors (one Chroma read per document not in memory) short: a question over all of a
# 10,000-document enterprise does not load 10,000 documents.
EXACT_DENSE_MAX_CHUNKS = 60_000
EXACT_DENSE_MAX_DOCUMENTS = 100
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dense")


@dataclass(frozen=True)
class DenseSearcher:
    client: ClientAPI
    embedder: Embedder
    cache: DocumentVectorCache

    def search(
        self, enterprise_id: uuid.UUID, question: str, documents: Sequence[Document], whole_enterprise: bool
    ) -> list[DenseHit]:
        embedded = [d for d in documents if d.status == DocumentStatus.READY]
        if not embedded:
            return []
        query_vector = self.embedder.embed_query(question)  # the embedder keeps recent questions' vectors

        def collection() -> Collection:
            return collection_for(self.client, self.embedder, enterprise_id)

        if (
            len(embedded) <= EXACT_DENSE_MAX_DOCUMENTS
            and sum(d.chunk_count for d in embedded) <= EXACT_DENSE_MAX_CHUNKS
        ):
            matrices = self.cache.matrices(collection, enterprise_id, [(d.id, _version(d)) for d in embedded])
            return exact_search(matrices, query_vector, CANDIDATES)
        ids = None if whole_enterprise else [d.id for d in embedded]
        return dense_search(collection(), enterprise_id, query_vector, CANDIDATES, ids)


def _version(document: Document) -> str:
    return document.ready_at.isoformat() if document.ready_at else "unready"


@dataclass(frozen=True)
class Passage:
    chunk: Chunk
    document: Document
    score: float
    lexical_rank: int | None
    dense_rank: int | None


@dataclass
class Retrieval:
    passages: list[Passage]
    route: Route
    searched: list[Document] = field(default_factory=list)


def document_profiles(allowed: Sequence[Document]) -> list[DocumentProfile]:
    """What routing reads of each document: its name, company and year."""
    return [DocumentProfile(d.id, d.filename, d.company, d.fiscal_year) for d in allowed]


def retrieve(
    session: Session,
    dense: DenseSearcher | None,
    chunks: ChunkCache,
    enterprise_id: uuid.UUID,
    question: str,
    allowed: Sequence[Document],
    whole_enterprise: bool,
    chosen: Route,
) -> Retrieval:
    """Chunks of `allowed` (the caller's searchable documents after its filters), best first.

    `chosen` (routing's choice among `document_profiles(allowed)`) narrows `allowed` first; when
    nothing in the narrowed set matches, the search falls back to all of `allowed`.
    """
    if not allowed:
        return Retrieval([], chosen)
    searched = list(allowed)
    if chosen.document_ids is not None:
        wanted = set(chosen.document_ids)
        searched = [d for d in allowed if d.id in wanted]
        whole_enterprise = False
    passages = _search(
        session, dense, chunks, enterprise_id, question, chosen.without_company(question), searched, whole_enterprise
    )
    if not passages and len(searched) < len(allowed):
        searched = list(allowed)
        passages = _search(session, dense, chunks, enterprise_id, question, question, searched, whole_enterprise)
    return Retrieval(passages, chosen, searched)


def _search(
    session: Session,
    dense: DenseSearcher | None,
    chunks: ChunkCache,
    enterprise_id: uuid.UUID,
    question: str,
    lexical_question: str,
    documents: list[Document],
    whole_enterprise: bool,
) -> list[Passage]:
    ids = None if whole_enterprise else [d.id for d in documents]
    dense_future = (
        _pool.submit(dense.search, enterprise_id, question, documents, whole_enterprise) if dense is not None else None
    )
    lexical_hits = lexical.search(session, enterprise_id, lexical_question, CANDIDATES, ids)
    dense_hits = dense_future.result() if dense_future is not None else []
    return _fuse(
        session, chunks, enterprise_id, documents, [h.chunk_id for h in lexical_hits], [h.chunk_id for h in dense_hits]
    )


def _fuse(
    session: Session,
    held: ChunkCache,
    enterprise_id: uuid.UUID,
    documents: list[Document],
    lexical_ids: list[uuid.UUID],
    dense_ids: list[uuid.UUID],
) -> list[Passage]:
    lexical_rank = {chunk_id: rank for rank, chunk_id in enumerate(lexical_ids, 1)}
    dense_rank = {chunk_id: rank for rank, chunk_id in enumerate(dense_ids, 1)}
    scores: dict[uuid.UUID, float] = {}
    for ranks in (lexical_rank, dense_rank):
        for chunk_id, rank in ranks.items():
            scores[chunk_id] = scores.get(chunk_id, 0.0) + 1.0 / (RRF_K + rank)
    by_document = {d.id: d for d in documents}
    chunks = held.chunks(session, enterprise_id, list(scores), by_document)
    passages = [
        Passage(c, by_document[c.document_id], scores[c.id], lexical_rank.get(c.id), dense_rank.get(c.id))
        for c in chunks
    ]
    passages.sort(key=lambda p: (-p.score, p.chunk.document_id, p.chunk.ordinal))
    return passages


def rerank(
    question: str,
    passages: list[Passage],
    language: str = "en",
    translated: Sequence[tuple[str, str]] = (),
    original: str | None = None,
) -> list[Passage]:
    """Reorder the best fused passages by how closely one of their sentences or rows matches the question.

    Reciprocal rank says that a chunk is about the question; a chunk holds a few dozen rows or
    sentences, and the one that names the asked line item, in the question's words, decides.
    """
    head, tail = passages[:RERANK_DEPTH], passages[RERANK_DEPTH:]
    if not head:
        return passages
    terms = question_terms(question, [p.chunk.text for p in head], language, translated, original)
    top = head[0].score
    rescored = []
    for passage in head:
        match, _ = best_unit(terms, [passage.chunk.text], language)
        if passage.chunk.is_statement:
            match *= 1.0 + STATEMENT_BOOST
        score = passage.score / top + MATCH_WEIGHT * match
        rescored.append(Passage(passage.chunk, passage.document, score, passage.lexical_rank, passage.dense_rank))
    rescored.sort(key=lambda p: (-p.score, p.chunk.document_id, p.chunk.ordinal))
    return rescored + tail


@dataclass(frozen=True)
class PageHit:
    document: Document
    page: int
    score: float
    passages: list[Passage]


def best_pages(passages: Sequence[Passage], limit: int) -> list[PageHit]:
    """One entry per page of a document, ranked by its best passage; later passages ride along."""
    pages: dict[tuple[uuid.UUID, int], list[Passage]] = {}
    for passage in passages:
        pages.setdefault((passage.document.id, passage.chunk.page), []).append(passage)
    ranked = sorted(pages.values(), key=lambda group: -group[0].score)
    return [PageHit(g[0].document, g[0].chunk.page, g[0].score, g) for g in ranked[:limit]]


def page_hits(session: Session, enterprise_id: uuid.UUID, document: Document, pages: Sequence[int]) -> list[PageHit]:
    """The given pages of one document as hits, in the given order (the pages figures were read from)."""
    chunks = repository.chunks_on_pages(session, enterprise_id, document.id, pages)
    hits = []
    for page in pages:
        passages = [Passage(c, document, 1.0, None, None) for c in chunks if c.page == page]
        if passages:
            hits.append(PageHit(document, page, 1.0, passages))
    return hits
