"""Full-text search over an enterprise's chunks: PostgreSQL tsvector, or SQLite FTS5."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

_TERM = re.compile(r"[\w][\w'.-]*", re.UNICODE)
MAX_TERMS = 32


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: uuid.UUID
    score: float


def query_terms(question: str) -> list[str]:
    terms = []
    for match in _TERM.finditer(question.lower()):
        term = match.group().strip(".'-")
        if len(term) > 1 and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def search(
    session: Session,
    enterprise_id: uuid.UUID,
    question: str,
    limit: int = 10,
    document_ids: Sequence[uuid.UUID] | None = None,
) -> list[LexicalHit]:
    """Chunks matching any term of `question`, best first; always inside `enterprise_id`."""
    terms = query_terms(question)
    if not terms or (document_ids is not None and not document_ids):
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _postgres(session, enterprise_id, terms, limit, document_ids)
    return _sqlite(session, enterprise_id, terms, limit, document_ids)


# Chunks that hold as many terms as the last one that makes the top are all scored, up to this
# many (one common word alone matches thousands of chunks).
TIED_CANDIDATES = 2000


def _postgres(
    session: Session, enterprise_id: uuid.UUID, terms: list[str], limit: int, document_ids: Sequence[uuid.UUID] | None
) -> list[LexicalHit]:
    """Any term may match (a long question must not require every word); a chunk ranks first by
    how many of the question's terms it holds, then by cover density, and the whole question
    printed as a phrase (a line item as the filing words it) goes first.

    Only the chunks that can reach the top are ranked by cover density, which was most of the
    statement's cost: each chunk holding a term has its terms counted from its own vector of
    words (cheap), and those holding at least as many as the `limit`-th are ranked (ties with it
    up to TIED_CANDIDATES). Each chunk is stemmed in its document's language, so each term is
    looked up stemmed both ways. bench/lexical_query.py compares this with earlier statements.
    """
    term_queries = _term_queries(session, terms)
    if not term_queries:
        return []
    held = " + ".join(f"(c.search_vector @@ CAST(:t{n} AS tsquery))::int" for n in range(len(term_queries)))
    within = _document_filter(document_ids)
    sql = f"""
        WITH held AS MATERIALIZED (
            SELECT c.id, {held} AS terms
            FROM enterprise.chunks c
            WHERE c.enterprise_id = :enterprise_id AND c.search_vector @@ CAST(:query AS tsquery) {within}
        ), floor AS (
            SELECT COALESCE((SELECT terms FROM held ORDER BY terms DESC LIMIT 1 OFFSET :last), 1) AS terms
        ), candidates AS (
            SELECT id, terms FROM held WHERE terms > (SELECT terms FROM floor)
            UNION ALL
            (SELECT id, terms FROM held WHERE terms = (SELECT terms FROM floor) ORDER BY id LIMIT :tied)
        ), q AS (
            SELECT CAST(:query AS tsquery) AS query,
                   phraseto_tsquery('english', :phrase) || phraseto_tsquery('spanish', :phrase) AS phrase
        )
        SELECT c.id,
               h.terms
               + ts_rank_cd(c.search_vector, q.query, 1)
               + CASE WHEN numnode(q.phrase) > 1 AND c.search_vector @@ q.phrase THEN 2 ELSE 0 END AS score
        FROM candidates h JOIN enterprise.chunks c ON c.id = h.id, q
        ORDER BY score DESC, c.id
        LIMIT :limit
    """  # noqa: S608 (only placeholders are interpolated)
    statement = text(sql)
    params: dict[str, object] = {
        "query": " | ".join(term_queries),
        "phrase": " ".join(terms),
        "enterprise_id": enterprise_id,
        "limit": limit,
        "last": limit - 1,
        "tied": TIED_CANDIDATES,
        **{f"t{n}": query for n, query in enumerate(term_queries)},
    }
    if document_ids is not None:
        statement = statement.bindparams(bindparam("document_ids", expanding=True))
        params["document_ids"] = list(document_ids)
    return [LexicalHit(row[0], float(row[1])) for row in session.execute(statement, params)]


def _document_filter(document_ids: Sequence[uuid.UUID] | None) -> str:
    return "AND c.document_id IN :document_ids" if document_ids is not None else ""


def _term_queries(session: Session, terms: list[str]) -> list[str]:
    """Each term as a tsquery stemmed in English and in Spanish. A stop word in either language
    is left out: "the" is no Spanish stop word, but no English chunk holds it, and a term no
    chunk can hold would keep every chunk from holding all the terms."""
    rows = session.execute(
        text(
            """
            SELECT (en || es)::text FROM (
                SELECT plainto_tsquery('english', t) AS en, plainto_tsquery('spanish', t) AS es, n
                FROM unnest(CAST(:terms AS text[])) WITH ORDINALITY AS u(t, n)
            ) x
            WHERE numnode(en) > 0 AND numnode(es) > 0
            ORDER BY n
            """
        ),
        {"terms": terms},
    )
    # A word stemmed alike in both languages is one operand ("'per' | 'per'" is "'per'"): the same
    # matches and rank, and cover density's cost grows with the operands.
    return list(dict.fromkeys(" | ".join(dict.fromkeys(str(row[0]).split(" | "))) for row in rows))


def _sqlite(
    session: Session, enterprise_id: uuid.UUID, terms: list[str], limit: int, document_ids: Sequence[uuid.UUID] | None
) -> list[LexicalHit]:
    match = " OR ".join('"' + term.replace('"', "") + '"' for term in terms)
    document_filter = "AND document_id IN :document_ids" if document_ids is not None else ""
    statement = text(
        f"""
        SELECT chunk_id, -bm25(chunk_fts) AS score
        FROM enterprise.chunk_fts
        WHERE chunk_fts MATCH :match AND enterprise_id = :enterprise_id {document_filter}
        ORDER BY score DESC
        LIMIT :limit
        """  # noqa: S608 (only placeholders are interpolated)
    )
    params: dict[str, object] = {"match": match, "enterprise_id": enterprise_id.hex, "limit": limit}
    if document_ids is not None:
        statement = statement.bindparams(bindparam("document_ids", expanding=True))
        params["document_ids"] = [d.hex for d in document_ids]
    return [LexicalHit(uuid.UUID(row[0]), float(row[1])) for row in session.execute(statement, params)]
