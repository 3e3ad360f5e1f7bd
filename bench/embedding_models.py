"""Compare the packaged embedding models on this machine: throughput and dense retrieval
quality on ../shared/eval/dev_questions.jsonl (evidence page found among the top pages).

    python bench/embedding_models.py [--models minilm-int8-onnx,minilm-torch] [--threads 2]

Every corpus filing is split into ~200-word chunks that never cross a page (the product's
own chunker), embedded with each model in turn, and each question is ranked against the
chunks of its own filing by cosine similarity, dense only (no lexical search, no routing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

import numpy as np

from shared.embeddings import get_embedder
from shared.settings import Settings
from shared.text_extraction import chunk_pages, extract_pdf_pages

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BRAIN_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "annual-reports"
QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"


def load_chunks() -> dict[str, list[tuple[int, str]]]:
    chunks: dict[str, list[tuple[int, str]]] = {}
    for pdf in sorted(CORPUS.glob("*.pdf")):
        chunks[pdf.name] = [(c.page, c.text) for c in chunk_pages(extract_pdf_pages(pdf))]
    return chunks


def page_hits(ranked_pages: list[int], evidence: set[int], k: int) -> bool:
    seen: list[int] = []
    for page in ranked_pages:
        if page not in seen:
            seen.append(page)
        if len(seen) == k:
            break
    return bool(evidence & set(seen))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="minilm-int8-onnx,minilm-torch")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    questions = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    started = time.perf_counter()
    chunks = load_chunks()
    total_chunks = sum(len(c) for c in chunks.values())
    print(f"corpus: {len(chunks)} filings, {total_chunks} chunks, parsed in {time.perf_counter() - started:.1f} s")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, threads={args.threads}")

    for model in args.models.split(","):
        load_started = time.perf_counter()
        embedder = get_embedder(Settings(embedding_model=model, embedding_threads=args.threads))
        embedder.embed_query("warm up")
        load_seconds = time.perf_counter() - load_started
        vectors: dict[str, np.ndarray] = {}
        embed_started = time.perf_counter()
        for name, doc_chunks in chunks.items():
            vectors[name] = np.array(embedder.embed_documents([text for _, text in doc_chunks]), dtype=np.float32)
        embed_seconds = time.perf_counter() - embed_started
        query_started = time.perf_counter()
        hit1 = hit5 = 0
        for question in questions:
            query = np.array(embedder.embed_query(question["question"]), dtype=np.float32)
            order = np.argsort(-(vectors[question["doc"]] @ query))
            ranked_pages = [chunks[question["doc"]][i][0] for i in order]
            evidence = set(question["evidence_pages"])
            hit1 += page_hits(ranked_pages, evidence, 1)
            hit5 += page_hits(ranked_pages, evidence, 5)
        query_ms = (time.perf_counter() - query_started) * 1000 / len(questions)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{model}: load {load_seconds:.1f} s; embed {total_chunks / embed_seconds:.1f} chunks/s "
            f"({embed_seconds:.0f} s); query embed+rank {query_ms:.1f} ms; "
            f"dense page hit@1 {hit1 / len(questions):.2f} hit@5 {hit5 / len(questions):.2f}; "
            f"peak RSS so far {peak_mb:.0f} MB"
        )


if __name__ == "__main__":
    main()
