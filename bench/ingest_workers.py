"""Do `brain worker` processes divide the ingestion? The same filings with one worker, then two,
on the multi-machine set-up: PostgreSQL, Redis, Chroma's own server, originals in an S3-compatible
store (moto's server), each process with its own data directory (nothing shared on disk).

    python bench/ingest_workers.py [--filings 4]

The services come from `bench/cluster.py`, with one `brain serve` (API only: jobs go to Redis).
For each worker count an enterprise of its own uploads the first `--filings` corpus annual
reports through the API; the clock runs from the first upload to the last document searchable,
then ready. Each worker runs one job thread; one worker's model uses every core, two workers'
models half each (`EMBEDDING_THREADS`). Which process ran each document's stages is read from the
document (`stages.parse.worker`, `stages.vectors.worker`). Baseline in the same run: one worker.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.cluster import Cluster, cluster  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "annual-reports"


def _documents(base: str, token: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{base}/api/enterprise/documents?limit=100", headers={"Authorization": f"Bearer {token}"})
    return list(answer.json()["items"])


def _run(services: Cluster, base: str, workers: int, embedding_threads: int, filings: list[Path]) -> dict[str, Any]:
    token = services.enterprise(base, f"workers-{workers}-{uuid.uuid4().hex[:4]}")
    # Each a machine of its own: its own data directory, its share of the cores for the model.
    processes = [
        services.start_worker(f"worker-{workers}-{n}", EMBEDDING_THREADS=str(embedding_threads)) for n in range(workers)
    ]
    try:
        started = time.perf_counter()
        for path in filings:
            with path.open("rb") as handle:
                answer = httpx.post(
                    f"{base}/api/enterprise/documents",
                    files={"file": (path.name, handle)},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=120,
                )
            answer.raise_for_status()
        searchable_at = 0.0
        while True:
            documents = _documents(base, token)
            now = time.perf_counter() - started
            if not searchable_at and all(d["searchable"] or d["status"] == "failed" for d in documents):
                searchable_at = now
            if all(d["status"] in {"ready", "failed"} for d in documents):
                ready_at = now
                break
            time.sleep(2)
    finally:
        for process in processes:
            process.stop()
    # Each stage names the worker process that ran it (host:pid).
    workers_seen: dict[str, int] = {}
    for document in documents:
        for stage in ("parse", "vectors"):
            worker = str((document["stages"].get(stage) or {}).get("worker", "?"))
            workers_seen[worker] = workers_seen.get(worker, 0) + 1
    jobs = sorted(workers_seen.values(), reverse=True)
    pages = sum(d["pages"] for d in documents)
    chunks = sum(d["chunks"] for d in documents)
    failed = [d["filename"] for d in documents if d["status"] != "ready"]
    return {
        "searchable": searchable_at,
        "ready": ready_at,
        "jobs": jobs,
        "pages": pages,
        "chunks": chunks,
        "failed": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--filings", type=int, default=4)
    args = parser.parse_args()
    filings = sorted(CORPUS.glob("*.pdf"))[: args.filings]
    with cluster() as services:
        _, base = services.start_api()
        cores = os.cpu_count() or 2
        # One worker with every core for its model, then two sharing them.
        results = {n: _run(services, base, n, max(1, cores // n), filings) for n in (1, 2)}
    names = ", ".join(p.name for p in filings)
    print(f"{len(filings)} filings ({names}), {results[1]['pages']} pages, {results[1]['chunks']} chunks")
    for workers, result in results.items():
        print(
            f"{workers} worker(s): all searchable {result['searchable']:.0f} s, all ready {result['ready']:.0f} s; "
            f"stages per worker process {result['jobs']}; failed {result['failed']}"
        )


if __name__ == "__main__":
    main()
