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


def _postgres(
    session: Session, enterprise_id: uuid.UUID, terms: list[str], limit: int, document_ids: Sequence[uuid.UUID] | None
) -> list[LexicalHit]:
    # Any term may match (a long question must not require every word); a chunk ranks by how
    # many distinct terms it holds, then by cover density, and the whole question printed as a
    # phrase (a line item as the filing words it) goes first. Each chunk is stemmed in its
    # document's language, so each term is looked up stemmed both ways.
    document_filter = "AND c.document_id IN :document_ids" if document_ids is not None else ""
    statement = text(
        f"""
        WITH useful AS (
            SELECT tq FROM (
                SELECT plainto_tsquery('english', t) || plainto_tsquery('spanish', t) AS tq
                FROM unnest(CAST(:terms AS text[])) AS t
            ) x
            WHERE numnode(tq) > 0
        ), q AS (
            SELECT (SELECT string_agg(tq::text, ' | ') FROM useful)::tsquery AS query,
                   phraseto_tsquery('english', :phrase) || phraseto_tsquery('spanish', :phrase) AS phrase
        )
        SELECT c.id,
               (SELECT count(*) FROM useful u WHERE c.search_vector @@ u.tq)
               + ts_rank_cd(c.search_vector, q.query, 1)
               + CASE WHEN numnode(q.phrase) > 1 AND c.search_vector @@ q.phrase THEN 2 ELSE 0 END AS score
        FROM enterprise.chunks c, q
        WHERE c.enterprise_id = :enterprise_id AND c.search_vector @@ q.query {document_filter}
        ORDER BY score DESC, c.id
        LIMIT :limit
        """  # noqa: S608 (only placeholders are interpolated)
    )
    params: dict[str, object] = {
        "terms": terms,
        "phrase": " ".join(terms),
        "enterprise_id": enterprise_id,
        "limit": limit,
    }
    if document_ids is not None:
        statement = statement.bindparams(bindparam("document_ids", expanding=True))
        params["document_ids"] = list(document_ids)
    return [LexicalHit(row[0], float(row[1])) for row in session.execute(statement, params)]


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
