"""Ingest corpus filings end to end through the HTTP API, and time every stage: the six annual
reports, or with `--filings N` (up to 20 and more) FinanceBench's 10-Ks after them.

    python bench/ingest_corpus.py [--database-url postgresql://postgres@127.0.0.1:5432/bench] [--filings 6]

Starts `brain serve` on embedded defaults (SQLite, embedded Chroma, in-process jobs) or on the
given PostgreSQL, uploads the filings at once, and reports: seconds until every filing is
searchable (full text and statement tables), seconds until every one is ready (all tables and
dense vectors), pages per second, the time of each stage summed over the filings, and the
dense stage's rate against the embedding model's own rate measured alone in the same run, and
how long its own `GET /documents` polls took meanwhile (the API's answer while it ingests).
`JOB_WORKERS=2` in the environment gives the server two job threads.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.benchserver import bench_server  # noqa: E402
from shared.database import create_db_engine  # noqa: E402
from shared.embeddings import get_embedder  # noqa: E402
from shared.settings import Settings  # noqa: E402

SHARED = Path(os.environ.get("BRAIN_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "annual-reports"


def stored_chunks(settings: Settings, limit: int) -> list[str]:
    """A fixed sample of the chunks the pipeline embedded: text and table rows alike."""
    engine = create_db_engine(settings, ["enterprise"])
    with engine.connect() as connection:
        texts = [row[0] for row in connection.execute(text("SELECT text FROM enterprise.chunks ORDER BY id"))]
    engine.dispose()
    return random.Random(7).sample(texts, min(limit, len(texts)))


def model_rate(chunks: list[str]) -> float:
    embedder = get_embedder(Settings())
    embedder.embed_query("warm up")
    started = time.perf_counter()
    embedder.embed_documents(chunks)
    return len(chunks) / (time.perf_counter() - started)


def fresh_postgres(url: str) -> None:
    admin_url, name = url.rsplit("/", 1)
    engine = create_engine(
        admin_url.replace("postgresql://", "postgresql+psycopg2://") + "/postgres", isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--sample-chunks", type=int, default=400)
    parser.add_argument(
        "--filings",
        type=int,
        default=6,
        help="the six annual reports, then FinanceBench's 10-Ks by name, up to this many",
    )
    args = parser.parse_args()

    annual = sorted(CORPUS.glob("*.pdf")) + sorted((SHARED / "corpus" / "financebench").glob("*_10K.pdf"))
    filings = annual[: args.filings]

    if args.database_url:
        fresh_postgres(args.database_url)
    with bench_server(args.port, args.database_url) as server:
        base = f"{server.base}/api/enterprise"
        started = time.perf_counter()
        ids = []
        for filing in filings:
            with filing.open("rb") as handle:
                response = httpx.post(
                    f"{base}/documents", files={"file": (filing.name, handle)}, headers=server.headers, timeout=120
                )
            ids.append(response.json()["id"])
        searchable_at = ready_at = None
        documents: list[dict[str, Any]] = []
        listing_seconds: list[float] = []
        while ready_at is None:
            # One list request every 2 s: polling harder takes CPU from the embedding it measures.
            time.sleep(2)
            asked = time.perf_counter()
            listing = httpx.get(f"{base}/documents", params={"limit": 100}, headers=server.headers).json()
            # How the API answers a user while the same process ingests (embedded defaults).
            listing_seconds.append(time.perf_counter() - asked)
            documents = [d for d in listing["items"] if d["id"] in ids]
            if searchable_at is None and all(d["searchable"] or d["status"] == "failed" for d in documents):
                searchable_at = time.perf_counter() - started
            if all(d["status"] in {"ready", "failed"} for d in documents):
                ready_at = time.perf_counter() - started

    # The model alone, on a sample of the very chunks the server embedded, with the server gone.
    sample = stored_chunks(Settings(database_url=args.database_url, data_dir=server.data_dir), args.sample_chunks)
    alone = model_rate(sample)
    print(f"embedding model alone: {alone:.1f} chunks/s on {len(sample)} of the ingested chunks")
    pages = sum(d["pages"] for d in documents)
    chunks = sum(d["chunks"] for d in documents)
    stage_seconds: dict[str, float] = {}
    for d in documents:
        for name, stage in d["stages"].items():
            stage_seconds[name] = stage_seconds.get(name, 0.0) + float(stage.get("seconds", 0.0))
    dense_rate = chunks / stage_seconds["vectors"] if stage_seconds.get("vectors") else float("nan")
    backend = "PostgreSQL" if args.database_url else "embedded SQLite"
    print(
        f"backend: {backend}; filings {len(documents)}, pages {pages}, chunks {chunks}, "
        f"tables {sum(d['tables'] for d in documents)}"
    )
    print(f"failed: {[d['filename'] for d in documents if d['status'] == 'failed']}")
    print(f"all searchable (full text + statement tables): {searchable_at:.1f} s ({pages / searchable_at:.1f} pages/s)")
    print(f"all ready (all tables + dense vectors): {ready_at:.1f} s")
    print("stage seconds summed over filings: " + ", ".join(f"{k} {v:.1f}" for k, v in stage_seconds.items()))
    print(
        f"dense stage: {dense_rate:.1f} chunks/s vs model alone {alone:.1f} chunks/s (ratio {alone / dense_rate:.2f})"
    )
    ms = [seconds * 1000 for seconds in sorted(listing_seconds)]
    print(
        f"GET /documents during ingestion ({len(ms)} requests): p50 {ms[len(ms) // 2]:.0f} ms, "
        f"p95 {ms[int(len(ms) * 0.95)]:.0f} ms, max {ms[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
