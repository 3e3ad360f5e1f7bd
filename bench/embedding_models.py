"""Compare the packaged embedding models on this machine: throughput and dense retrieval
quality on ../shared/eval/dev_questions.jsonl (evidence page found among the top pages).

    python bench/embedding_models.py [--models minilm-int8-onnx,use-multilingual-v3] [--threads 2]
    python bench/embedding_models.py --models minilm-int8-onnx:plain,minilm-int8-onnx

`minilm-int8-onnx:plain` is the default model's graph as packaged, without its attention fused
into one kernel per layer (what the product ran before): the two are compared on speed and on
how far their vectors of the same chunks differ (lowest cosine).

Every corpus filing is split into ~200-word chunks that never cross a page (the product's
own chunker), embedded with each model in turn, and each question is ranked against the
chunks of its own filing by cosine similarity, dense only (no lexical search, no routing).

Across languages, on the same chunks: the Spanish questions of tests/data/business/
filing_questions.jsonl (and their English twins) against the Apple 10-K, and the question
set of tests/data/business (Spanish and English) against the chunks of its six Spanish
documents, parsed and chunked by the product's own parsers: evidence (document and page)
among the top five pages.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from enterprise.ingestion.chunking import table_chunks  # noqa: E402
from enterprise.ingestion.parsers import parse  # noqa: E402
from shared.embeddings import (  # noqa: E402
    ONNX_INT8_MODEL,
    EmbeddingModelUnavailableError,
    OnnxMiniLMEmbedder,
    get_embedder,
)
from shared.settings import Settings  # noqa: E402
from shared.text_extraction import chunk_pages, extract_pdf_pages  # noqa: E402
from tests.business_questions import BUSINESS, DOCUMENTS, FILING_QUESTIONS, load  # noqa: E402

SHARED = Path(os.environ.get("BRAIN_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "annual-reports"
QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"


def load_chunks() -> dict[str, list[tuple[int, str]]]:
    chunks: dict[str, list[tuple[int, str]]] = {}
    for pdf in sorted(CORPUS.glob("*.pdf")):
        chunks[pdf.name] = [(c.page, c.text) for c in chunk_pages(extract_pdf_pages(pdf))]
    return chunks


def business_chunks() -> list[tuple[str, int, str]]:
    """(document, page, text) of the six Spanish documents, as the product chunks them."""
    found: list[tuple[str, int, str]] = []
    for name in DOCUMENTS:
        parsed = parse(BUSINESS / name, name.rsplit(".", 1)[1], name)
        found += [(name, c.page, c.text) for c in chunk_pages(parsed.pages) if c.text.strip()]
        found += [(name, p.page, p.text) for grid in parsed.tables for p in table_chunks(grid)]
    return found


def cross_language(embedder: Any, chunks: dict[str, list[tuple[int, str]]]) -> str:
    """Evidence among the top five pages: Spanish and English questions over the Apple 10-K,
    and over the Spanish business documents."""
    apple = chunks["APPLE_2019_10K.pdf"]
    apple_vectors = np.array(embedder.embed_documents([t for _, t in apple]), dtype=np.float32)
    filing = {"es": 0, "en": 0}
    questions = load(FILING_QUESTIONS)
    for question in questions:
        for language, text in (("es", question["question"]), ("en", question["twin"])):
            order = np.argsort(-(apple_vectors @ np.array(embedder.embed_query(text), dtype=np.float32)))
            filing[language] += page_hits([apple[i][0] for i in order], set(question["evidence_pages"]), 5)
    library = business_chunks()
    vectors = np.array(embedder.embed_documents([t for _, _, t in library]), dtype=np.float32)
    # Six documents of a page or two: the first page is what tells models apart.
    business = {"es": [0, 0], "en": [0, 0]}
    for question in load():
        order = np.argsort(-(vectors @ np.array(embedder.embed_query(question["question"]), dtype=np.float32)))
        pages = [(library[i][0], library[i][1]) for i in order]
        business[question["lang"]][0] += page_hits(pages, {(question["doc"], question["page"])}, 1)
        business[question["lang"]][1] += 1
    return (
        f"Apple 10-K hit@5 Spanish {filing['es']}/{len(questions)}, English {filing['en']}/{len(questions)}; "
        f"Spanish documents hit@1 with Spanish questions {business['es'][0]}/{business['es'][1]}, "
        f"English questions {business['en'][0]}/{business['en'][1]}"
    )


def page_hits(ranked_pages: list[Any], evidence: set[Any], k: int) -> bool:
    seen: list[Any] = []
    for page in ranked_pages:
        if page not in seen:
            seen.append(page)
        if len(seen) == k:
            break
    return bool(evidence & set(seen))


def load_model(model: str, threads: int, max_tokens: int) -> Any:
    if model == f"{ONNX_INT8_MODEL}:plain":
        return OnnxMiniLMEmbedder(threads, passage_tokens=max_tokens, fuse_attention=False)
    settings = Settings(embedding_model=model, embedding_threads=threads, embedding_max_tokens=max_tokens)
    return get_embedder(settings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="minilm-int8-onnx,minilm-torch")  # minilm-torch: extra .[torch]
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--max-tokens", default="256", help="passage word pieces read, e.g. 256,128")
    parser.add_argument("--cross-language", action="store_true", help="also Spanish/English across languages")
    parser.add_argument("--cross-language-only", action="store_true", help="only across languages (Apple 10-K)")
    args = parser.parse_args()

    questions = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    started = time.perf_counter()
    chunks = load_chunks()
    if args.cross_language_only:
        chunks = {"APPLE_2019_10K.pdf": chunks["APPLE_2019_10K.pdf"]}
        questions = [q for q in questions if q["doc"] in chunks]
    total_chunks = sum(len(c) for c in chunks.values())
    print(f"corpus: {len(chunks)} filings, {total_chunks} chunks, parsed in {time.perf_counter() - started:.1f} s")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, threads={args.threads}")

    runs = [(m, int(t)) for m in args.models.split(",") for t in args.max_tokens.split(",")]
    first_vectors: dict[int, dict[str, np.ndarray]] = {}
    for model, max_tokens in runs:
        load_started = time.perf_counter()
        try:
            embedder = load_model(model, args.threads, max_tokens)
        except EmbeddingModelUnavailableError as exc:
            print(f"{model}: not measured: {exc}")
            continue
        embedder.embed_query("warm up")
        load_seconds = time.perf_counter() - load_started
        vectors: dict[str, np.ndarray] = {}
        embed_started = time.perf_counter()
        for name, doc_chunks in chunks.items():
            vectors[name] = np.array(embedder.embed_documents([text for _, text in doc_chunks]), dtype=np.float32)
        embed_seconds = time.perf_counter() - embed_started
        same_model = model.split(":")[0] == ONNX_INT8_MODEL
        if same_model and max_tokens in first_vectors:
            lowest = min(float((vectors[n] * first_vectors[max_tokens][n]).sum(axis=1).min()) for n in vectors)
            print(f"  lowest cosine to the first {ONNX_INT8_MODEL} run's vectors of the same chunks: {lowest:.7f}")
        elif same_model:
            first_vectors[max_tokens] = vectors
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
            f"{model} ({max_tokens} pieces): load {load_seconds:.1f} s; "
            f"embed {total_chunks / embed_seconds:.1f} chunks/s "
            f"({embed_seconds:.0f} s); query embed+rank {query_ms:.1f} ms; "
            f"dense page hit@1 {hit1 / len(questions):.2f} hit@5 {hit5 / len(questions):.2f}; "
            f"peak RSS so far {peak_mb:.0f} MB"
        )
        if args.cross_language or args.cross_language_only:
            print(f"  {model} across languages: {cross_language(embedder, chunks)}")


if __name__ == "__main__":
    main()
