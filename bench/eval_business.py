"""Everyday business documents in Spanish and English: the question set of tests/data/business
asked through the HTTP API, with no language model and with one (the fake OpenAI server).

    python bench/eval_business.py [--workdir DIR] [--skip-filing] [--skip-llm] [--out DIR]

Starts `brain serve` on embedded defaults, uploads a small Spanish company's files (sales CSV,
statements xlsx, contract docx, quarterly report PDF, travel policy txt, KPIs JSON) to one
enterprise and Apple's 2019 10-K to another, then asks `questions.jsonl` of the first and
`filing_questions.jsonl` (Spanish, each with its English twin) of the second. Scores each
answer with tests/business_questions.judge: right (figure and phrase), a value stated that is
wrong, the document and the page cited; per kind and language. The same questions go again
to a server whose LLM is the fake OpenAI server of the tests (right when the figure is in the
answer's words), unless `--skip-llm`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.benchserver import BenchServer, bench_server  # noqa: E402
from bench.eval_answers import SHARED  # noqa: E402
from tests.business_questions import BUSINESS, DOCUMENTS, FILING_QUESTIONS, Verdict, judge, load  # noqa: E402
from tests.fakes.openai_server import running_fake_openai  # noqa: E402

FILING = SHARED / "corpus" / "annual-reports" / "APPLE_2019_10K.pdf"
FILINGS_EMAIL = "filings@bench.example"
PASSWORD = "benchmark-password"


def _upload(client: httpx.Client, paths: list[Path]) -> dict[str, str]:
    ids = {}
    for path in paths:
        with path.open("rb") as handle:
            response = client.post("/documents", files={"file": (path.name, handle)})
        response.raise_for_status()
        ids[path.name] = response.json()["id"]
    while True:
        states = [client.get(f"/documents/{i}").json() for i in ids.values()]
        if all(s["status"] in {"ready", "failed"} for s in states):
            for state in states:
                if state["status"] == "failed":
                    print(f"  FAILED {state['filename']}: {state['error']}")
            return ids
        time.sleep(1)


def _filings_client(server: BenchServer, env_dir: Path) -> httpx.Client:
    """A second enterprise holding the 10-K, so its company does not stand beside the Spanish one."""
    brain = str(Path(sys.executable).parent / "brain")
    env = {
        **os.environ,
        "ENTERPRISE_ENABLED": "true",
        "DATA_DIR": str(env_dir / "data"),
        "VECTOR_STORE_PATH": str(env_dir / "chroma"),
    }
    create = ["enterprise", "create", "bench-filings", "--admin-email", FILINGS_EMAIL, "--admin-password", PASSWORD]
    # A second run finds the enterprise there already: that refusal is expected.
    subprocess.run([brain, *create], env=env, capture_output=True, check=False)
    login = httpx.post(
        f"{server.base}/api/enterprise/auth/token", data={"username": FILINGS_EMAIL, "password": PASSWORD}
    )
    login.raise_for_status()
    token = login.json()["access_token"]
    return httpx.Client(
        base_url=f"{server.base}/api/enterprise", headers={"Authorization": f"Bearer {token}"}, timeout=300
    )


def _ask(client: httpx.Client, question: str) -> dict[str, Any]:
    response = client.post("/query", json={"question": question, "top_k": 5})
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def _score(rows: list[tuple[dict[str, Any], dict[str, Any], Verdict]], title: str) -> dict[str, Any]:
    groups: dict[str, list[Verdict]] = defaultdict(list)
    for question, _, verdict in rows:
        groups[question["kind"]].append(verdict)
        groups[f"lang:{question['lang']}"].append(verdict)
    verdicts = [v for _, _, v in rows]
    stated = sum(v.stated_value for v in verdicts)
    summary = {
        "questions": len(rows),
        "right": sum(v.right for v in verdicts),
        "values_stated": stated,
        "values_wrong": sum(v.wrong_value for v in verdicts),
        "document_cited": sum(v.cited_document for v in verdicts),
        "page_cited": sum(v.cited_page for v in verdicts),
        "by": {k: f"{sum(v.right for v in vs)}/{len(vs)}" for k, vs in sorted(groups.items())},
    }
    print(
        f"\n{title}: {summary['right']}/{summary['questions']} right, {summary['values_wrong']} of {stated} "
        f"values stated wrong, document cited {summary['document_cited']}, page {summary['page_cited']}"
    )
    print("  " + ", ".join(f"{k} {v}" for k, v in summary["by"].items()))
    for question, answer, verdict in rows:
        if not verdict.right or verdict.wrong_value:
            cited = [(c["filename"], c["page"]) for c in answer["citations"][:2]]
            print(
                f"  MISS {question['id']} {question['question']}\n       expected {question.get('value')} "
                f"{question.get('unit', '')} {question.get('phrase', '')} | got {answer['value']} {answer['unit']} "
                f"[{answer['mode']}] {answer['answer'][:160]!r} {cited}"
            )
    return summary


def run(server: BenchServer, workdir: Path, with_filing: bool, value_required: bool, title: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with httpx.Client(base_url=f"{server.base}/api/enterprise", headers=server.headers, timeout=300) as client:
        _upload(client, [BUSINESS / name for name in DOCUMENTS])
        rows = []
        for question in load():
            answer = _ask(client, question["question"])
            rows.append((question, answer, judge(question, answer, value_required=value_required)))
        results["business"] = _score(rows, f"{title}, business documents")
    if with_filing and FILING.exists():
        with _filings_client(server, workdir) as client:
            _upload(client, [FILING])
            spanish, english = [], []
            for question in load(FILING_QUESTIONS):
                answer = _ask(client, question["question"])
                spanish.append((question, answer, judge(question, answer, value_required=value_required)))
                twin = {**question, "lang": "en", "question": question["twin"]}
                answer = _ask(client, twin["question"])
                english.append((twin, answer, judge(twin, answer, value_required=value_required)))
            results["filing_es"] = _score(spanish, f"{title}, Spanish questions over the Apple 10-K")
            results["filing_en"] = _score(english, f"{title}, the same questions in English")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "brain-business")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--skip-filing", action="store_true")
    parser.add_argument("--skip-llm", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M")}
    with bench_server(args.port, workdir=args.workdir) as server:
        results["no_llm"] = run(server, args.workdir, not args.skip_filing, True, "No LLM")
    if not args.skip_llm:
        with (
            running_fake_openai() as fake,
            bench_server(
                args.port, workdir=args.workdir, extra_env={"OPENAI_API_KEY": "sk-bench", "OPENAI_BASE_URL": fake.url}
            ) as server,
        ):
            results["llm"] = run(server, args.workdir, not args.skip_filing, False, "Fake LLM")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "business.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
