"""An enterprise of 10,000 documents on the multi-machine set-up: how fast it fills, how fast it
answers, and the memory each process holds.

    python bench/scale.py --workdir DIR [--documents 10000] [--sample 100] [--questions 40]

`bench/cluster.py`'s services (a PostgreSQL database, Redis, `chroma run`, moto's S3 server) with
one `brain serve` and `brain worker` processes; the database and Chroma's data are kept in
`DIR/cluster`, so a second run goes straight to the questions. The documents are
`bench/synthetic_filings.py`'s one-page filings (a corpus page each, with its own company, year and
figures), uploaded through the API four at a time.

1. Ingest rate: the first `--sample` filings with one worker (the model on both cores), the next
   `--sample` with two (one core each); the clock runs from the first upload to the last filing
   searchable, then ready. The one worker is the baseline.
2. Fill: the rest up to `--documents` with two workers, then every document must be ready
   (passages embedded from their first `--fill-max-tokens` word pieces, 128: the fill is not
   what is measured, and this halves its time). Then `--statements` one-page statement filings
   (a corpus statement page with its company, years and figures written over, its layout kept:
   `build_statements`), for the facts answers: the text-only filings hold no statement table.
3. Questions, one at a time against a freshly started API process (its caches empty), each kind
   `--questions` times, p50/p95: full-text search (`GET /search`), meaning search
   (`GET /search?mode=meaning`), answers from passages (`POST /query`, a question about one company's
   filing, and one over the whole enterprise) and answers from the financial facts (a figure of
   a company and year that the statements hold). The first question after the start is timed
   apart, with five searches sent beside it (they must not wait for it). Then each process's peak
   memory. Twice: with the dense cache off (`DENSE_CACHE_VECTORS=0`, the baseline) and on.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.cluster import PASSWORD, Cluster, admin_sql, cluster  # noqa: E402
from bench.eval_answers import percentile  # noqa: E402
from bench.synthetic_filings import build, build_statements  # noqa: E402

SLUG = "scale-co"
UPLOAD_THREADS = 4
SETTINGS = {"ACCESS_TOKEN_MINUTES": "1440", "ANSWER_CACHE_ENTRIES": "0"}


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base = f"{base}/api/enterprise"
        self.http = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=300)

    def upload(self, path: Path) -> str:
        with path.open("rb") as handle:
            answer = self.http.post(f"{self.base}/documents", files={"file": (path.name, handle)})
        answer.raise_for_status()
        return str(answer.json()["id"])

    def total(self, **filters: str) -> int:
        answer = self.http.get(f"{self.base}/documents", params={"limit": 1, **filters})
        answer.raise_for_status()
        return int(answer.json()["total"])

    def document(self, document_id: str) -> dict[str, Any]:
        answer = self.http.get(f"{self.base}/documents/{document_id}")
        answer.raise_for_status()
        return dict(answer.json())


def _login(base: str) -> str:
    answer = httpx.post(
        f"{base}/api/enterprise/auth/token", data={"username": f"admin@{SLUG}.example", "password": PASSWORD}
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _token(services: Cluster, base: str) -> str:
    try:
        return _login(base)
    except httpx.HTTPStatusError:
        return services.enterprise(base, SLUG)


def _upload_all(api: Api, paths: list[Path], say: Callable[[int], None] | None = None) -> list[str]:
    ids: list[str] = []
    with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        for n, document_id in enumerate(pool.map(api.upload, paths), 1):
            ids.append(document_id)
            if say is not None and n % 250 == 0:
                say(n)
    return ids


def _rate(services: Cluster, api: Api, paths: list[Path], workers: int, threads: int) -> dict[str, Any]:
    processes = [services.start_worker(f"rate-{workers}-{n}", EMBEDDING_THREADS=str(threads)) for n in range(workers)]
    try:
        started = time.perf_counter()
        ids = _upload_all(api, paths)
        searchable_at = 0.0
        while True:
            documents = [api.document(i) for i in ids]
            now = time.perf_counter() - started
            if not searchable_at and all(d["searchable"] or d["status"] == "failed" for d in documents):
                searchable_at = now
            if all(d["status"] in {"ready", "failed"} for d in documents):
                break
            time.sleep(2)
        for process in processes:
            process.sample()
    finally:
        for process in processes:
            process.stop()
    return {
        "workers": workers,
        "documents": len(ids),
        "chunks": sum(d["chunks"] for d in documents),
        "failed": sum(d["status"] == "failed" for d in documents),
        "searchable_s": round(searchable_at, 1),
        "ready_s": round(now, 1),
        "documents_per_minute": round(len(ids) / now * 60, 1),
        "worker_peak_mb": [round(p.peak_mb) for p in processes],
    }


def _fill(services: Cluster, api: Api, paths: list[Path], max_tokens: int) -> dict[str, Any]:
    workers = [
        services.start_worker(f"fill-{n}", EMBEDDING_THREADS="1", EMBEDDING_MAX_TOKENS=str(max_tokens))
        for n in range(2)
    ]
    started = time.perf_counter()

    def say(n: int) -> None:
        ready = api.total(status="ready")
        print(f"  fill: {n}/{len(paths)} uploaded, {ready} ready, {time.perf_counter() - started:.0f} s", flush=True)

    try:
        _upload_all(api, paths, say)
        uploaded_s = time.perf_counter() - started
        while (waiting := api.total() - api.total(status="ready") - api.total(status="failed")) > 0:
            print(f"  fill: {waiting} not ready yet, {time.perf_counter() - started:.0f} s", flush=True)
            time.sleep(30)
    finally:
        for process in workers:
            process.stop()
    return {
        "documents": len(paths),
        "max_tokens": max_tokens,
        "uploaded_s": round(uploaded_s),
        "ready_s": round(time.perf_counter() - started),
        "worker_peak_mb": [round(p.peak_mb) for p in workers],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--statements", type=int, default=300, help="statement filings added, for the facts answers")
    # The fill only brings the enterprise to its size: its passages are embedded reading their
    # first 128 word pieces (2.2 times faster, see BENCHMARKS.md), which leaves query cost as is.
    parser.add_argument("--fill-max-tokens", type=int, default=128)
    args = parser.parse_args()
    results_path = args.workdir / "results.json"
    results: dict[str, Any] = json.loads(results_path.read_text()) if results_path.exists() else {}

    def save() -> None:
        results_path.write_text(json.dumps(results, indent=2))

    print(f"building {args.documents} synthetic filings", flush=True)
    paths = build(args.workdir / "filings", args.documents)
    with cluster(keep=args.workdir / "cluster", **SETTINGS) as services:
        api_process, base = services.start_api("api-fill")
        api = Api(base, _token(services, base))
        # The statement filings come on top of the `--documents`: the enterprise's limit is raised for them.
        limit = int(args.documents + args.statements)
        admin_sql(f"UPDATE enterprise.enterprises SET max_documents = {limit}", services.env["DATABASE_URL"])  # noqa: S608 (an int)
        have = api.total()
        if "rate" not in results and have == 0:
            sample = args.sample
            results["rate"] = [
                _rate(services, api, paths[:sample], 1, 2),
                _rate(services, api, paths[sample : 2 * sample], 2, 1),
            ]
            save()
            print(json.dumps(results["rate"], indent=1), flush=True)
            have = api.total()
        if have < args.documents:
            print(f"filling from {have} to {args.documents}", flush=True)
            results["fill"] = _fill(services, api, paths[have : args.documents], args.fill_max_tokens)
            save()
        statements = build_statements(args.workdir / "statements", args.statements)
        if api.total(q="_10K_S") < len(statements):
            print(f"adding {len(statements)} statement filings", flush=True)
            results["statements"] = _fill(services, api, statements, args.fill_max_tokens)
            save()
        api_process.stop()
        # The dense cache off (every dense ranking reads Chroma) is the baseline for the default.
        for name, settings in (("dense cache off", {"DENSE_CACHE_VECTORS": "0"}), ("default", {})):
            results.setdefault("questions", {})[name] = _questions(
                services, args.workdir / "filings", args.questions, settings
            )
            save()
        results["database_mb"] = _database_mb(services)
        save()
    print(json.dumps(results, indent=1))


_WORD = re.compile(r"[A-Za-z][a-z]{3,}")


def _phrase(path: Path, rng: random.Random) -> str | None:
    """Four words in a row from a line of the filing's text: what someone half remembers of it."""
    import pymupdf

    with pymupdf.open(path) as document:
        lines = [line for line in document[0].get_text().splitlines()[2:] if len(_WORD.findall(line)) >= 5]
    if not lines:
        return None
    words = _WORD.findall(rng.choice(lines))
    start = rng.randrange(len(words) - 3)
    return " ".join(words[start : start + 4]).lower()


def _material(api: Api, filings: Path, count: int) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """`count` requests of each kind, from random documents and facts of the enterprise."""
    rng = random.Random(5)
    total = api.total()
    documents: list[dict[str, Any]] = []
    while len(documents) < count:
        page = api.http.get(
            f"{api.base}/documents", params={"limit": 100, "offset": rng.randrange(max(1, total - 100))}
        )
        documents += [d for d in page.json()["items"] if d["status"] == "ready" and d["company"]]
    kinds: dict[str, list[tuple[str, dict[str, Any]]]] = {
        k: [] for k in ("words", "meaning", "passage", "enterprise", "facts")
    }
    for document in documents:
        phrase = _phrase(filings / document["filename"], rng)
        if phrase is None or len(kinds["words"]) == count:
            continue
        company, year = document["company"], document["fiscal_year"]
        kinds["words"].append(("search", {"q": phrase}))
        kinds["meaning"].append(("search", {"q": phrase, "mode": "meaning"}))
        kinds["passage"].append(("query", {"question": f"What does {company} say about {phrase} in {year}?"}))
        kinds["enterprise"].append(("query", {"question": f"What is said about {phrase}?"}))
    facts = api.http.get(f"{api.base}/facts", params={"limit": 1000, "offset": 0}).json()["items"]
    named = [f for f in facts if f["metric"] and f["company"]]
    for fact in rng.sample(named, min(count, len(named))):
        metric = fact["metric"].replace("_", " ")
        kinds["facts"].append(
            ("query", {"question": f"What was {fact['company']}'s {metric} in {fact['fiscal_year']}?"})
        )
    return kinds


def _ask(api: Api, kind: str, payload: dict[str, Any]) -> tuple[float, dict[str, Any] | list[Any]]:
    started = time.perf_counter()
    if kind == "search":
        answer = api.http.get(f"{api.base}/search", params=payload)
    else:
        answer = api.http.post(f"{api.base}/query", json=payload)
    answer.raise_for_status()
    return (time.perf_counter() - started) * 1000, answer.json()


def _first_after_start(api: Api) -> dict[str, Any]:
    """A whole-enterprise question first after the start, with five word searches sent beside it."""
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(_ask, api, "query", {"question": "What are the main risks to revenue growth?"})
        time.sleep(0.05)
        others = [
            pool.submit(_ask, api, "search", {"q": word})
            for word in ("revenue", "debt", "leases", "goodwill", "inventory")
        ]
        return {
            "first_ms": round(first.result()[0]),
            "beside_it_ms": [round(o.result()[0]) for o in others],
        }


def _database_mb(services: Cluster) -> int:
    return round(admin_sql("SELECT pg_database_size(current_database())", services.env["DATABASE_URL"]) / 1e6)


def _questions(services: Cluster, filings: Path, count: int, settings: dict[str, str]) -> dict[str, Any]:
    process, base = services.start_api(f"api-questions-{len(services.processes)}", **settings)
    api = Api(base, _login(base))
    results: dict[str, Any] = {"documents": api.total(), "after_start": _first_after_start(api)}
    for kind, requests in _material(api, filings, count).items():
        if not requests:
            continue
        latencies, answered = [], 0
        for request_kind, payload in requests:
            elapsed, body = _ask(api, request_kind, payload)
            latencies.append(elapsed)
            if isinstance(body, list):
                answered += bool(body)
            else:
                answered += body["mode"] == "facts" if kind == "facts" else body["found"]
        results[kind] = {
            "asked": len(latencies),
            "answered": answered,
            "p50_ms": round(percentile(latencies, 0.5)),
            "p95_ms": round(percentile(latencies, 0.95)),
        }
        print(kind, results[kind], flush=True)
    services.sample()
    if services.chroma is not None:
        services.chroma.sample()
    results["memory_mb"] = {
        p.name: round(p.peak_mb) for p in [process, *([services.chroma] if services.chroma else [])]
    }
    process.stop()
    return results


if __name__ == "__main__":
    main()
