"""Full-text search over an enterprise's chunks: PostgreSQL tsvector, or SQLite FTS5."""

from __future__ import annotations

import itertools
import math
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


def _postgres(
    session: Session, enterprise_id: uuid.UUID, terms: list[str], limit: int, document_ids: Sequence[uuid.UUID] | None
) -> list[LexicalHit]:
    """Any term may match (a long question must not require every word); a chunk ranks first by
    how many of the question's terms it holds, then as `_ranked` says.

    Only chunks that can reach the top are scored: scoring reads a chunk's whole vector of words,
    and in a large enterprise most chunks hold some word of a question (scoring them all was the
    query's whole cost). First the chunks holding all the terms, else all but one, and so on, each
    set found by the full-text index alone, until one fills `limit`; past a few terms those sets
    are too many conjunctions to write, and the index counts the terms each chunk holds instead.
    """
    term_queries = _term_queries(session, terms)
    if not term_queries:
        return []
    for least in _thresholds(len(term_queries)):
        candidates = _at_least(term_queries, least)
        hits = _ranked(session, enterprise_id, terms, term_queries, candidates, limit, document_ids)
        if len(hits) >= limit:
            return hits
    return _ranked_by_count(session, enterprise_id, terms, term_queries, limit, document_ids)


# "At least k of n terms" is written as every k-term conjunction: past this many the query
# grows larger than what it saves, and the terms are counted instead.
MAX_CONJUNCTIONS = 64
# Chunks that hold as many terms as the last one that makes the top are all scored, up to this
# many (one common word alone matches thousands of chunks).
TIED_CANDIDATES = 2000


def _thresholds(terms: int) -> list[int]:
    """How many terms a candidate must hold, in the order tried: all, all but one, ... (two at least)."""
    return [k for k in range(terms, 1, -1) if math.comb(terms, k) <= MAX_CONJUNCTIONS]


def _at_least(term_queries: list[str], least: int) -> str:
    """A tsquery matching the chunks that hold at least `least` of the terms."""
    return " | ".join(
        "(" + " & ".join(f"({q})" for q in chosen) + ")" for chosen in itertools.combinations(term_queries, least)
    )


# How a candidate chunk `c` ranks, given `held`, the number of distinct terms it holds: that
# first, then cover density, and the whole question printed as a phrase (a line item as the
# filing words it) goes first. Each chunk is stemmed in its document's language, so each term is
# looked up stemmed both ways.
_SCORED = """
    q AS (
        SELECT CAST(:query AS tsquery) AS query,
               phraseto_tsquery('english', :phrase) || phraseto_tsquery('spanish', :phrase) AS phrase
    )
    SELECT c.id,
           {held}
           + ts_rank_cd(c.search_vector, q.query, 1)
           + CASE WHEN numnode(q.phrase) > 1 AND c.search_vector @@ q.phrase THEN 2 ELSE 0 END AS score
"""


def _ranked(
    session: Session,
    enterprise_id: uuid.UUID,
    terms: list[str],
    term_queries: list[str],
    candidates: str,
    limit: int,
    document_ids: Sequence[uuid.UUID] | None,
) -> list[LexicalHit]:
    """The best `limit` of the chunks matching the tsquery `candidates`. Each term is its own
    constant in the statement (a subquery over a list of terms ran once for every candidate)."""
    held = " + ".join(f"(c.search_vector @@ CAST(:t{n} AS tsquery))::int" for n in range(len(term_queries)))
    within = _document_filter(document_ids)
    sql = f"""
        WITH {_SCORED.format(held=held)}
        FROM enterprise.chunks c, q
        WHERE c.enterprise_id = :enterprise_id AND c.search_vector @@ CAST(:candidates AS tsquery) {within}
        ORDER BY score DESC, c.id
        LIMIT :limit
    """
    return _scored(session, sql, enterprise_id, terms, term_queries, limit, document_ids, candidates=candidates)


def _ranked_by_count(
    session: Session,
    enterprise_id: uuid.UUID,
    terms: list[str],
    term_queries: list[str],
    limit: int,
    document_ids: Sequence[uuid.UUID] | None,
) -> list[LexicalHit]:
    """The chunks holding the most terms, counted from the index (one match a term, reading no
    chunk's words), scored as `_ranked` scores; ties with the last that makes the top are kept
    up to TIED_CANDIDATES."""
    term = "c.enterprise_id = :enterprise_id AND c.search_vector @@ CAST(:t{n} AS tsquery) " + _document_filter(
        document_ids
    )
    term_match = "SELECT c.id FROM enterprise.chunks c WHERE " + term  # noqa: S608 (placeholders only)
    matched = " UNION ALL ".join(term_match.format(n=n) for n in range(len(term_queries)))
    sql = f"""
        WITH held AS (
            SELECT id, count(*) AS terms FROM ({matched}) m GROUP BY id
        ), floor AS (
            SELECT COALESCE((SELECT terms FROM held ORDER BY terms DESC LIMIT 1 OFFSET :last), 1) AS terms
        ), candidates AS (
            SELECT id, terms FROM held WHERE terms > (SELECT terms FROM floor)
            UNION ALL
            (SELECT id, terms FROM held WHERE terms = (SELECT terms FROM floor) ORDER BY id LIMIT :tied)
        ), {_SCORED.format(held="h.terms")}
        FROM candidates h JOIN enterprise.chunks c ON c.id = h.id, q
        ORDER BY score DESC, c.id
        LIMIT :limit
    """  # noqa: S608 (only placeholders are interpolated)
    return _scored(
        session, sql, enterprise_id, terms, term_queries, limit, document_ids, last=limit - 1, tied=TIED_CANDIDATES
    )


def _document_filter(document_ids: Sequence[uuid.UUID] | None) -> str:
    return "AND c.document_id IN :document_ids" if document_ids is not None else ""


def _scored(
    session: Session,
    sql: str,
    enterprise_id: uuid.UUID,
    terms: list[str],
    term_queries: list[str],
    limit: int,
    document_ids: Sequence[uuid.UUID] | None,
    **extra: object,
) -> list[LexicalHit]:
    """Runs a statement built on `_SCORED` with the parameters it names."""
    statement = text(sql)
    params: dict[str, object] = {
        "query": " | ".join(term_queries),
        "phrase": " ".join(terms),
        "enterprise_id": enterprise_id,
        "limit": limit,
        **{f"t{n}": query for n, query in enumerate(term_queries)},
        **extra,
    }
    if document_ids is not None:
        statement = statement.bindparams(bindparam("document_ids", expanding=True))
        params["document_ids"] = list(document_ids)
    return [LexicalHit(row[0], float(row[1])) for row in session.execute(statement, params)]


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
    return list(dict.fromkeys(str(row[0]) for row in rows))


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
