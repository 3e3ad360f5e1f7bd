"""Answer quality and query latency on the verified question set, through the HTTP API.

    python bench/eval_answers.py [--database-url postgresql://...] [--out bench/results]

Starts `brain serve` on embedded defaults (or the given PostgreSQL), uploads the six corpus
filings, waits until they are ready, then asks every question of
../shared/eval/dev_questions.jsonl twice: with `document_ids` set to the question's filing,
and with no filter (one shared store). Writes predictions in the scorer's format, runs
../shared/eval/score.py on them, and prints query latency p50/p95. The baseline, measured in
the same run, is the full-text search endpoint alone (GET /search) ranking the same pages.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.benchserver import BenchServer, bench_server  # noqa: E402
from bench.ingest_corpus import fresh_postgres  # noqa: E402

SHARED = Path(os.environ.get("BRAIN_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "annual-reports"
QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"
SCORER = SHARED / "eval" / "score.py"


def ingest(server: BenchServer) -> dict[str, str]:
    base = f"{server.base}/api/enterprise"
    ids: dict[str, str] = {}
    for filing in sorted(CORPUS.glob("*.pdf")):
        with filing.open("rb") as handle:
            response = httpx.post(
                f"{base}/documents", files={"file": (filing.name, handle)}, headers=server.headers, timeout=120
            )
        response.raise_for_status()
        ids[filing.name] = response.json()["id"]
    while True:
        time.sleep(3)
        listing = httpx.get(f"{base}/documents", params={"limit": 100}, headers=server.headers).json()["items"]
        states = {d["filename"]: (d["status"], d["progress"]) for d in listing}
        print("  " + ", ".join(f"{name.split('_')[0]} {state[1]}%" for name, state in sorted(states.items())), end="\r")
        if all(status in {"ready", "failed"} for status, _ in states.values()):
            print()
            return ids


def ask_all(
    server: BenchServer, questions: list[dict[str, Any]], ids: dict[str, str], per_document: bool
) -> tuple[list[dict[str, Any]], list[float], dict[str, int]]:
    """Predictions in the scorer's format (with each answer's unit, mode and note), latencies, modes."""
    predictions, latencies = [], []
    modes: dict[str, int] = {}
    with httpx.Client(base_url=f"{server.base}/api/enterprise", headers=server.headers, timeout=300) as client:
        for question in questions:
            body: dict[str, Any] = {"question": question["question"], "top_k": 5}
            if per_document:
                body["document_ids"] = [ids[question["doc"]]]
            started = time.perf_counter()
            response = client.post("/query", json=body)
            latencies.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            answer = response.json()
            modes[answer["mode"]] = modes.get(answer["mode"], 0) + 1
            predictions.append(
                {
                    "id": question["id"],
                    "answer": answer["answer"],
                    "value": answer["value"],
                    "unit": answer["unit"],
                    "mode": answer["mode"],
                    "note": answer.get("note"),
                    "citations": [{"doc": c["filename"], "page": c["page"]} for c in answer["citations"]],
                }
            )
    print(f"  modes: {modes}")
    return predictions, latencies, modes


def search_baseline(server: BenchServer, questions: list[dict[str, Any]], ids: dict[str, str]) -> list[dict[str, Any]]:
    predictions = []
    with httpx.Client(base_url=f"{server.base}/api/enterprise", headers=server.headers, timeout=120) as client:
        for question in questions:
            params: dict[str, Any] = {
                "q": question["question"][:500],
                "limit": 50,
                "document_ids": [ids[question["doc"]]],
            }
            hits = client.get("/search", params=params).json()
            pages: list[dict[str, Any]] = []
            for hit in hits:
                cited = {"doc": hit["filename"], "page": hit["page"]}
                if cited not in pages:
                    pages.append(cited)
            predictions.append({"id": question["id"], "answer": "", "value": None, "citations": pages[:5]})
    return predictions


def report_statements(server: BenchServer, ids: dict[str, str]) -> None:
    """Statements found, core checks passed and fact-extraction time, per filing."""
    base = f"{server.base}/api/enterprise"
    for filename, document_id in sorted(ids.items()):
        document = httpx.get(f"{base}/documents/{document_id}", headers=server.headers).json()
        found = httpx.get(f"{base}/documents/{document_id}/statements", headers=server.headers).json()
        core = [c for c in found["checks"] if c["core"]]
        stage = document["stages"].get("facts", {})
        facts_time = f"facts {stage.get('facts')} in {stage.get('seconds')} s"
        statements = ", ".join(f"{s['statement']} p.{'/'.join(map(str, s['pages']))}" for s in found["statements"])
        print(
            f"  {filename}: {statements}; core checks {sum(c['passed'] for c in core)}/{len(core)}, "
            f"subtotals {sum(c['passed'] for c in found['checks'] if not c['core'])}/"
            f"{sum(1 for c in found['checks'] if not c['core'])}; {facts_time}"
        )


def score(predictions: list[dict[str, Any]], path: Path) -> dict[str, Any]:
    path.write_text("".join(json.dumps(p) + "\n" for p in predictions))
    result = subprocess.run(
        [sys.executable, str(SCORER), str(QUESTIONS), str(path), "--json"], capture_output=True, text=True, check=True
    )
    return dict(json.loads(result.stdout))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--port", type=int, default=8798)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    questions = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    if args.database_url:
        fresh_postgres(args.database_url)
    backend = "postgresql" if args.database_url else "sqlite"
    with bench_server(args.port, args.database_url) as server:
        print(f"ingesting {len(list(CORPUS.glob('*.pdf')))} filings ({backend})")
        ids = ingest(server)
        report_statements(server, ids)
        # One warm-up question: the first query loads the language identifier and the vectors.
        ask_all(server, questions[:1], ids, per_document=False)
        baseline = score(search_baseline(server, questions, ids), args.out / f"baseline_search_{backend}.jsonl")
        overall = baseline["all"]
        print(f"baseline, full-text search alone, per document: hit@1 {overall['hit@1']} hit@5 {overall['hit@5']}")
        for per_document in (True, False):
            setting = "per-document" if per_document else "shared store"
            predictions, latencies, _ = ask_all(server, questions, ids, per_document)
            summary = score(
                predictions, args.out / f"predictions_{backend}_{'doc' if per_document else 'shared'}.jsonl"
            )
            overall = summary["all"]
            print(
                f"{setting}: hit@1 {overall['hit@1']} hit@5 {overall['hit@5']} numeric {overall['numeric_accuracy']} "
                f"answered {overall['answered']}; latency p50 {statistics.median(latencies):.0f} ms "
                f"p95 {percentile(latencies, 0.95):.0f} ms"
            )
            for kind in ("metric", "ratio", "domain", "table"):
                part = summary[kind]
                print(f"    {kind:7} hit@1 {part['hit@1']} hit@5 {part['hit@5']} numeric {part['numeric_accuracy']}")


if __name__ == "__main__":
    main()
