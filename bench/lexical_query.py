"""PostgreSQL's full-text query for a question: the current statement against the one it replaced
(one subquery over the question's terms run for every matching chunk), on an enterprise already
loaded, same questions, same results required.

    python bench/lexical_query.py --database-url postgresql://... [--enterprise SLUG] [--rounds 3]
                                  [--documents 1,5] [--without-replaced] [--results FILE] [--compare FILE]

The questions are the dev set's and FinanceBench's (their wording, not their documents): each is
searched over the whole enterprise, and with `--documents` also within the first N documents by
file name (what a routed question searches). Reports the statement's time per question (p50,
p95) and PostgreSQL's CPU per question, each way; the replaced statement is the baseline. Run it
again with `PYTHONPATH` pointing at an earlier checkout's `src` to measure that code's statement
as "current" on the same database (`--without-replaced` then leaves the slow baseline out);
`--results` keeps the current statement's results, and `--compare` counts the questions whose
results differ from those kept by another run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.cluster import postgres_cpu_seconds  # noqa: E402
from bench.eval_answers import percentile  # noqa: E402
from enterprise.answers import lexical  # noqa: E402
from enterprise.answers.hybrid import CANDIDATES  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
LIMIT = CANDIDATES  # what a question's hybrid search asks of the full-text side

# The statement before this change, kept as the baseline.
REPLACED = text(
    """
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
    WHERE c.enterprise_id = :enterprise_id AND c.search_vector @@ q.query
      AND (CAST(:scoped AS boolean) IS FALSE OR c.document_id = ANY(CAST(:document_ids AS uuid[])))
    ORDER BY score DESC, c.id
    LIMIT :limit
    """
)


def _questions() -> list[str]:
    questions = []
    for name in ("dev_questions.jsonl", "financebench_dev.jsonl"):
        for line in (EVAL / name).read_text().splitlines():
            if line.strip():
                questions.append(str(json.loads(line)["question"]))
    return questions


def _replaced(
    session: Session, enterprise_id: uuid.UUID, question: str, document_ids: list[uuid.UUID] | None
) -> list[uuid.UUID]:
    terms = lexical.query_terms(question)
    params = {
        "terms": terms,
        "phrase": " ".join(terms),
        "enterprise_id": enterprise_id,
        "limit": LIMIT,
        "scoped": document_ids is not None,
        "document_ids": [str(d) for d in document_ids or []],
    }
    return [row[0] for row in session.execute(REPLACED, params)]


def _current(
    session: Session, enterprise_id: uuid.UUID, question: str, document_ids: list[uuid.UUID] | None
) -> list[uuid.UUID]:
    return [hit.chunk_id for hit in lexical.search(session, enterprise_id, question, LIMIT, document_ids)]


def _scopes(session: Session, enterprise_id: uuid.UUID, sizes: list[int]) -> list[tuple[str, list[uuid.UUID] | None]]:
    """The whole enterprise, then each of its first N documents by file name."""
    rows = session.execute(
        text(
            "SELECT d.id, count(c.id) FROM enterprise.documents d JOIN enterprise.chunks c ON c.document_id = d.id "
            "WHERE d.enterprise_id = :e GROUP BY d.id, d.filename ORDER BY d.filename"
        ),
        {"e": enterprise_id},
    ).all()
    whole = f"the whole enterprise ({sum(n for _, n in rows)} chunks)"
    scopes: list[tuple[str, list[uuid.UUID] | None]] = [(whole, None)]
    for size in sizes:
        chosen = rows[:size]
        scopes.append((f"{size} documents ({sum(n for _, n in chosen)} chunks)", [d for d, _ in chosen]))
    return scopes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--enterprise", default=None, help="slug; the one with most chunks if not given")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--documents", default="", help="also search within the first N documents, e.g. 1,5")
    parser.add_argument("--without-replaced", action="store_true", help="time the current statement only")
    parser.add_argument("--results", type=Path, default=None, help="write the current statement's results here")
    parser.add_argument("--compare", type=Path, default=None, help="results written by another run")
    args = parser.parse_args()
    engine = create_engine(args.database_url.replace("postgresql://", "postgresql+psycopg2://", 1))
    questions = _questions()
    with Session(engine) as session:
        if args.enterprise:
            row = session.execute(text("SELECT id FROM enterprise.enterprises WHERE slug = :s"), {"s": args.enterprise})
        else:
            row = session.execute(
                text("SELECT enterprise_id FROM enterprise.chunks GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
            )
        enterprise_id = row.scalar_one()
        sizes = [int(n) for n in args.documents.split(",") if n.strip()]
        results: dict[str, dict[str, list[str]]] = {}
        earlier = json.loads(args.compare.read_text()) if args.compare else None
        for scope, document_ids in _scopes(session, enterprise_id, sizes):
            runs = [("current", _current)]
            if not args.without_replaced:
                runs.insert(0, ("replaced (baseline)", _replaced))
                differing = sum(
                    _replaced(session, enterprise_id, q, document_ids)
                    != _current(session, enterprise_id, q, document_ids)
                    for q in questions
                )
                scope += f"; results differ for {differing}"
            found = {q: [str(c) for c in _current(session, enterprise_id, q, document_ids)] for q in questions}
            results[scope.split(";")[0]] = found
            if earlier is not None:
                before = earlier.get(scope.split(";")[0], {})
                scope += f"; {sum(before.get(q) != ids for q, ids in found.items())} differ from {args.compare.name}"
            print(f"{len(questions)} questions over {scope}")
            for name, run in runs:
                timings: list[float] = []
                cpu = postgres_cpu_seconds()
                for _ in range(args.rounds):
                    for question in questions:
                        started = time.perf_counter()
                        run(session, enterprise_id, question, document_ids)
                        timings.append((time.perf_counter() - started) * 1000)
                cpu_ms = (postgres_cpu_seconds() - cpu) * 1000 / len(timings)
                print(
                    f"  {name}: p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
                    f"PostgreSQL CPU {cpu_ms:.1f} ms a question"
                )
        if args.results:
            args.results.write_text(json.dumps(results))


if __name__ == "__main__":
    main()
