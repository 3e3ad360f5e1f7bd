"""PostgreSQL's full-text query for a question: the current statement against the one it replaced
(one subquery over the question's terms run for every matching chunk), on an enterprise already
loaded, same questions, same results required.

    python bench/lexical_query.py --database-url postgresql://... [--enterprise SLUG] [--rounds 3]

The questions are the dev set's and FinanceBench's (their wording, not their documents): each is
searched over the whole enterprise. Reports the statement's time per question (p50, p95) and
PostgreSQL's CPU per question, each way; the replaced statement is the baseline.
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

EVAL = ROOT.parent / "shared" / "eval"
LIMIT = 40

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


def _replaced(session: Session, enterprise_id: uuid.UUID, question: str) -> list[uuid.UUID]:
    terms = lexical.query_terms(question)
    params = {"terms": terms, "phrase": " ".join(terms), "enterprise_id": enterprise_id, "limit": LIMIT}
    return [row[0] for row in session.execute(REPLACED, params)]


def _current(session: Session, enterprise_id: uuid.UUID, question: str) -> list[uuid.UUID]:
    return [hit.chunk_id for hit in lexical.search(session, enterprise_id, question, LIMIT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--enterprise", default=None, help="slug; the one with most chunks if not given")
    parser.add_argument("--rounds", type=int, default=3)
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
        chunks = session.execute(
            text("SELECT count(*) FROM enterprise.chunks WHERE enterprise_id = :e"), {"e": enterprise_id}
        ).scalar_one()
        differing = sum(_replaced(session, enterprise_id, q) != _current(session, enterprise_id, q) for q in questions)
        print(f"{len(questions)} questions over {chunks} chunks; results differ for {differing}")
        for name, run in (("replaced (baseline)", _replaced), ("current", _current)):
            timings: list[float] = []
            cpu = postgres_cpu_seconds()
            for _ in range(args.rounds):
                for question in questions:
                    started = time.perf_counter()
                    run(session, enterprise_id, question)
                    timings.append((time.perf_counter() - started) * 1000)
            cpu_ms = (postgres_cpu_seconds() - cpu) * 1000 / len(timings)
            print(
                f"{name}: p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
                f"PostgreSQL CPU {cpu_ms:.1f} ms a question"
            )


if __name__ == "__main__":
    main()
