"""FinanceBench questions and the dev set, asked through the HTTP API in one run.

    python bench/eval_financebench.py [--workdir DIR] [--database-url postgresql://...] [--filings ADOBE,...]
                                      [--skip-dev]

Starts `brain serve` on embedded defaults, uploads the 49 filings of
../shared/corpus/financebench (or those whose names start with one of `--filings`, a stated
subset) and the six dev-set 10-Ks, waits until they are ready, then asks every question of
../shared/eval/financebench_dev.jsonl (whose filing was uploaded) and of dev_questions.jsonl
twice: with `document_ids` set to the question's filing, and on the one shared store. Scores
both with ../shared/eval/score.py, breaks FinanceBench down by kind and by reasoning, and
lists every miss with the answer given.

`--workdir` keeps the server's data between runs: a second run finds the filings there
(uploads of the same bytes are recognised) and, after `brain reindex --facts`, re-reads their
statements with the current code without embedding them again.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.benchserver import BenchServer, bench_server  # noqa: E402
from bench.eval_answers import SCORER, SHARED, ask_all, percentile  # noqa: E402
from bench.ingest_corpus import fresh_postgres  # noqa: E402

FINANCEBENCH = SHARED / "corpus" / "financebench"
DEV_CORPUS = SHARED / "corpus" / "annual-reports"
FB_QUESTIONS = SHARED / "eval" / "financebench_dev.jsonl"
DEV_QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def upload(server: BenchServer, filings: list[Path]) -> dict[str, str]:
    ids: dict[str, str] = {}
    with httpx.Client(base_url=f"{server.base}/api/enterprise", headers=server.headers, timeout=300) as client:
        for filing in filings:
            with filing.open("rb") as handle:
                response = client.post("/documents", files={"file": (filing.name, handle)})
            response.raise_for_status()
            ids[filing.name] = response.json()["id"]
    return ids


def _listing(server: BenchServer) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        response = httpx.get(
            f"{server.base}/api/enterprise/documents",
            params={"limit": 100, "offset": len(items)},
            headers=server.headers,
            timeout=60,
        )
        if response.status_code == 401:
            server.sign_in_again()
            continue
        response.raise_for_status()
        page = response.json()
        items += page["items"]
        if not page["items"] or len(items) >= page["total"]:
            return items


def wait_ready(server: BenchServer, ids: dict[str, str]) -> float:
    started = time.perf_counter()
    wanted = set(ids.values())
    while True:
        documents = [d for d in _listing(server) if d["id"] in wanted]
        done = sum(d["status"] in {"ready", "failed"} for d in documents)
        progress = sum(d["progress"] for d in documents) / max(len(documents), 1)
        print(f"  {done}/{len(documents)} ready, {progress:.0f}% overall", end="\r", flush=True)
        if done == len(documents):
            print()
            failed = [d["filename"] for d in documents if d["status"] == "failed"]
            if failed:
                print(f"  failed: {failed}")
            return time.perf_counter() - started
        time.sleep(10)


def score(questions_path: Path, questions: list[dict[str, Any]], predictions: list[dict[str, Any]], out: Path) -> Any:
    asked = out.with_suffix(".questions.jsonl")
    asked.write_text("".join(json.dumps(q) + "\n" for q in questions))
    out.write_text("".join(json.dumps(p) + "\n" for p in predictions))
    result = subprocess.run(
        [sys.executable, str(SCORER), str(asked), str(out), "--json"], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def _numeric_ok(gold: float, got: float | None) -> bool:
    sys.path.insert(0, str(SCORER.parent))
    from score import numeric_ok  # the scorer's own rule

    return bool(numeric_ok(gold, got))


def _hit(question: dict[str, Any], prediction: dict[str, Any], k: int) -> bool:
    pages = set(question["evidence_pages"])
    return any(
        Path(c["doc"]).stem.lower() == Path(question["doc"]).stem.lower() and c["page"] in pages
        for c in prediction["citations"][:k]
    )


def breakdown(questions: list[dict[str, Any]], predictions: list[dict[str, Any]]) -> None:
    by_id = {p["id"]: p for p in predictions}
    groups: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    for question in questions:
        groups[f"reasoning: {question.get('reasoning') or 'none given'}"].append((question, by_id[question["id"]]))
    for name, pairs in sorted(groups.items()):
        hit5 = sum(_hit(q, p, 5) for q, p in pairs) / len(pairs)
        print(f"    {name:60} n {len(pairs):3} hit@5 {hit5:.3f}")
    stated = [(q, p) for q, p in ((q, by_id[q["id"]]) for q in questions) if p["value"] is not None]
    with_gold = [(q, p) for q, p in stated if q.get("value") is not None and q.get("unit") != "text"]
    wrong = [(q, p) for q, p in with_gold if not _numeric_ok(q["value"], p["value"])]
    print(f"    values stated: {len(stated)} ({len(with_gold)} with a gold number, {len(wrong)} of those wrong)")


def misses(questions: list[dict[str, Any]], predictions: list[dict[str, Any]]) -> None:
    by_id = {p["id"]: p for p in predictions}
    for question in questions:
        prediction = by_id[question["id"]]
        numeric = question.get("value") is not None and question.get("unit") != "text"
        value_ok = not numeric or _numeric_ok(question["value"], prediction["value"])
        if value_ok and _hit(question, prediction, 5):
            continue
        cited = ", ".join(f"p.{c['page']}" for c in prediction["citations"][:5])
        gold = question["value"] if numeric else question["evidence_pages"]
        print(f"  - [{question['kind']}] {question['doc']}: {question['question'][:140]}")
        print(f"      gold {gold} (pages {question['evidence_pages']}); got value {prediction['value']} ")
        print(f"      mode {prediction['mode']}, cited {cited}; answer: {' '.join(prediction['answer'].split())[:200]}")


def run_set(
    server: BenchServer, label: str, path: Path, questions: list[dict[str, Any]], ids: dict[str, str], out: Path
) -> None:
    for per_document in (True, False):
        setting = "per document" if per_document else "shared store"
        predictions, latencies, modes = ask_all(server, questions, ids, per_document)
        summary = score(path, questions, predictions, out / f"{label}_{'doc' if per_document else 'shared'}.jsonl")
        overall = summary["all"]
        print(
            f"{label}, {setting}: n {overall['n']} hit@1 {overall['hit@1']} hit@5 {overall['hit@5']} "
            f"numeric {overall['numeric_accuracy']} (of {overall['numeric_n']}); modes {modes}; "
            f"latency p50 {statistics.median(latencies):.0f} ms p95 {percentile(latencies, 0.95):.0f} ms"
        )
        for kind in sorted(k for k in summary if k != "all"):
            part = summary[kind]
            hits = f"hit@1 {part['hit@1']} hit@5 {part['hit@5']}"
            print(f"    {kind:7} n {part['n']:3} {hits} numeric {part['numeric_accuracy']}")
        breakdown(questions, predictions)
        if label == "financebench":
            misses(questions, predictions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the server's data here between runs")
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL instead of SQLite (kept with --workdir, else emptied first)"
    )
    parser.add_argument("--filings", default="", help="comma-separated name prefixes: a subset of the filings")
    parser.add_argument("--skip-dev", action="store_true", help="leave the dev set (six 10-Ks) out")
    parser.add_argument("--skip-financebench", action="store_true", help="ask the dev set only")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    prefixes = tuple(p.strip().upper() for p in args.filings.split(",") if p.strip())
    filings = [f for f in sorted(FINANCEBENCH.glob("*.pdf")) if not prefixes or f.name.upper().startswith(prefixes)]
    dev_filings = [] if args.skip_dev else sorted(DEV_CORPUS.glob("*.pdf"))
    fb_questions = [q for q in load(FB_QUESTIONS) if any(f.name == q["doc"] for f in filings)]
    dev_questions = load(DEV_QUESTIONS) if dev_filings else []
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    if args.database_url and not (args.workdir and (args.workdir / "data").exists()):
        fresh_postgres(args.database_url)
    with bench_server(args.port, args.database_url, args.workdir) as server:
        print(f"uploading {len(filings)} FinanceBench filings and {len(dev_filings)} dev-set filings")
        ids = upload(server, filings + dev_filings)
        seconds = wait_ready(server, ids)
        print(f"all ready after {seconds:.0f} s of waiting")
        # One warm-up question: the first query loads the language identifier and the vectors.
        ask_all(server, fb_questions[:1], ids, per_document=False)
        if not args.skip_financebench:
            run_set(server, "financebench", FB_QUESTIONS, fb_questions, ids, args.out)
        if dev_questions:
            run_set(server, "dev", DEV_QUESTIONS, dev_questions, ids, args.out)


if __name__ == "__main__":
    main()
