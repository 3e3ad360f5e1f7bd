"""Do `brain worker` processes divide the ingestion? The same filings with one worker, then two,
on the multi-machine set-up: PostgreSQL, Redis, Chroma's own server, originals in an S3-compatible
store (moto's server), each process with its own data directory (nothing shared on disk).

    python bench/ingest_workers.py [--filings 4]

A new PostgreSQL database and Redis database 12 (both emptied first), `chroma run` and moto on
loopback ports, one `brain serve` (API only: jobs go to Redis). For each worker count an enterprise
of its own uploads the first `--filings` corpus annual reports through the API; the clock runs
from the first upload to the last document searchable, then ready. Each worker runs one job
thread; one worker's model uses every core, two workers' models half each
(`EMBEDDING_THREADS`). Which process ran each document's stages is read from the document
(`stages.parse.worker`, `stages.vectors.worker`). Baseline in the same run: one worker.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
CORPUS = ROOT.parent / "shared" / "corpus" / "annual-reports"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = "redis://127.0.0.1:6379/12"
PASSWORD = "bench-password-1"


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sql(statement: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg2://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def _wait(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def _documents(base: str, token: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{base}/api/enterprise/documents?limit=100", headers={"Authorization": f"Bearer {token}"})
    return list(answer.json()["items"])


def _run(
    base: str, env: dict[str, str], work: Path, workers: int, embedding_threads: int, filings: list[Path]
) -> dict[str, Any]:
    brain = str(Path(sys.executable).parent / "brain")
    slug = f"workers-{workers}-{uuid.uuid4().hex[:4]}"
    email = f"admin@{slug}.example"
    subprocess.run(
        [brain, "enterprise", "create", slug, "--admin-email", email, "--admin-password", PASSWORD],
        env=env,
        check=True,
        capture_output=True,
    )
    token = httpx.post(f"{base}/api/enterprise/auth/token", data={"username": email, "password": PASSWORD}).json()[
        "access_token"
    ]
    logs = [work / f"worker-{workers}-{n}.log" for n in range(workers)]
    processes = []
    for n, log in enumerate(logs):
        # A machine of its own: its own data directory, its share of the cores for the model.
        own = {**env, "DATA_DIR": str(work / f"worker-{workers}-{n}"), "EMBEDDING_THREADS": str(embedding_threads)}
        with log.open("w") as out:
            processes.append(subprocess.Popen([brain, "worker", "--workers", "1"], env=own, stdout=out, stderr=out))
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
            if not searchable_at and all(d["searchable"] for d in documents):
                searchable_at = now
            if all(d["status"] in {"ready", "failed"} for d in documents):
                ready_at = now
                break
            time.sleep(2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
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
    import redis

    from tests.s3 import ACCESS_KEY, REGION, SECRET_KEY, s3_server

    filings = sorted(CORPUS.glob("*.pdf"))[: args.filings]
    work = Path(tempfile.mkdtemp(prefix="brain-workers-"))
    database = f"brain_bench_workers_{uuid.uuid4().hex[:8]}"
    database_url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database
    chroma_port, s3_port, api_port = _port(), _port(), _port()
    redis.Redis.from_url(REDIS_URL).flushdb()
    _sql(f'CREATE DATABASE "{database}"')
    chroma = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "chroma"),
            "run",
            "--path",
            str(work / "chroma"),
            "--port",
            str(chroma_port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with s3_server(s3_port, "bench-originals") as endpoint:
            env = {
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "REDIS_URL", "CHROMA_URL", "STORAGE_URL"}
            }
            env |= {
                "ENTERPRISE_ENABLED": "true",
                "DATABASE_URL": database_url,
                "REDIS_URL": REDIS_URL,
                "CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
                "STORAGE_URL": "s3://bench-originals/originals",
                "S3_ENDPOINT_URL": endpoint,
                "S3_REGION": REGION,
                "S3_ACCESS_KEY_ID": ACCESS_KEY,
                "S3_SECRET_ACCESS_KEY": SECRET_KEY,
                "DATA_DIR": str(work / "api"),
                "JWT_SECRET_KEY": "bench-" + uuid.uuid4().hex,
            }
            brain = str(Path(sys.executable).parent / "brain")
            subprocess.run([brain, "migrate"], env=env, check=True, capture_output=True)
            _wait(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat")
            api = subprocess.Popen(
                [brain, "serve", "--port", str(api_port), "--no-migrate"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            base = f"http://127.0.0.1:{api_port}"
            try:
                _wait(f"{base}/health")
                cores = os.cpu_count() or 2
                # One worker with every core for its model, then two sharing them.
                results = {n: _run(base, env, work, n, max(1, cores // n), filings) for n in (1, 2)}
            finally:
                api.terminate()
                api.wait(timeout=30)
    finally:
        chroma.terminate()
        chroma.wait(timeout=30)
        _sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
    names = ", ".join(p.name for p in filings)
    print(f"{len(filings)} filings ({names}), {results[1]['pages']} pages, {results[1]['chunks']} chunks")
    for workers, result in results.items():
        print(
            f"{workers} worker(s): all searchable {result['searchable']:.0f} s, all ready {result['ready']:.0f} s; "
            f"stages per worker process {result['jobs']}; failed {result['failed']}"
        )


if __name__ == "__main__":
    main()
