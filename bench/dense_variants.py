"""What the dense index may leave out, judged by the answers: one ingestion, several arms.

    python bench/eval_financebench.py --workdir DIR            # the baseline: ingests and asks
    python bench/dense_variants.py --workdir DIR --variant table-rows-out [--out DIR]

The dense stage is ingestion's slowest, so each chunk it need not embed (or may embed from fewer
word pieces) is time saved on every upload. Whether a cut keeps retrieval quality shows only on
the full question sets (FinanceBench has 1-7 questions a filing). Rather than ingest all 55
filings again per arm, this copies the baseline's data directory, changes only the copy's dense
vectors, and asks every question again through `bench/eval_financebench.py` on the copy: the
full text, the tables, the facts and the routing are byte for byte the baseline's, so any
difference in the scores is the dense index's.

Variants (each named by what it would save):
- `table-rows-out`: no vectors for table-row chunks (a PDF table's words are also its page's text).
- `page-text-out`: no vectors for the page-text chunks of pages that have table-row chunks.
- `compact-table-text`: table-row chunks embedded from their heading, their column headings
  once and their row labels and words, without figures (fewer word pieces for the model to read).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from enterprise.ingestion.pdf_tables import _looks_like_year  # noqa: E402
from enterprise.numbers import parse_number  # noqa: E402
from shared.embeddings import MINILM_MAX_TOKENS, get_embedder, minilm_tokenizer_path  # noqa: E402
from shared.settings import Settings  # noqa: E402

EMBED_BATCH = 256  # chunks embedded and written to Chroma at a time
PAGE_SIZE = 5000  # Chroma's embedded SQLite refuses a request with many more ids than this
LEADER = re.compile(r"(?:\s*\.){3,}|(?:\s*_){3,}")
NOT_WORDS = {"", "—", "-", "–", "$", "%"}


def collection(workdir: Path) -> Any:
    import chromadb

    client = chromadb.PersistentClient(path=str(workdir / "chroma"))
    names = [c.name for c in client.list_collections()]
    if len(names) != 1:
        raise SystemExit(f"expected the one enterprise collection of an eval workdir, found {names}")
    return client.get_collection(names[0])


def metadatas(store: Any) -> list[tuple[str, dict[str, Any]]]:
    rows: list[tuple[str, dict[str, Any]]] = []
    for offset in range(0, store.count(), PAGE_SIZE):
        part = store.get(include=["metadatas"], limit=PAGE_SIZE, offset=offset)
        rows += list(zip(part["ids"], part["metadatas"], strict=True))
    return rows


def delete(store: Any, ids: list[str]) -> None:
    for start in range(0, len(ids), PAGE_SIZE):
        store.delete(ids=ids[start : start + PAGE_SIZE])


def table_rows_out(workdir: Path) -> str:
    store = collection(workdir)
    ids = [i for i, meta in metadatas(store) if meta["kind"] == "table"]
    delete(store, ids)
    return f"{len(ids)} table-row vectors removed; {store.count()} left"


def page_text_out(workdir: Path) -> str:
    store = collection(workdir)
    rows = metadatas(store)
    table_pages = {(meta["document_id"], meta["page"]) for _, meta in rows if meta["kind"] == "table"}
    ids = [i for i, meta in rows if meta["kind"] == "text" and (meta["document_id"], meta["page"]) in table_pages]
    delete(store, ids)
    return f"{len(ids)} page-text vectors on {len(table_pages)} table pages removed; {store.count()} left"


def _is_figure(cell: str) -> bool:
    text = cell.strip()
    return text in NOT_WORDS or (parse_number(text) is not None and not _looks_like_year(text))


def compact_table_text(text: str) -> str:
    """A table-row chunk ('heading' then 'label | column: cell | …' lines) without its figures:
    the heading, each column heading once, each row's label and any cell of words."""
    heading, *rows = text.split("\n")
    columns: list[str] = []
    lines: list[str] = []
    for row in rows:
        kept: list[str] = []
        for position, part in enumerate(row.split(" | ")):
            name, separator, cell = part.rpartition(": ")
            if not separator:
                name, cell = "", part
            if position == 0 and not (separator and _is_figure(cell)):
                kept.append(part)
                continue
            if name and name not in columns:
                columns.append(name)
            if not _is_figure(cell):
                kept.append(cell)
        if kept:
            lines.append(" | ".join(kept))
    head = [heading, " | ".join(columns)] if columns else [heading]
    return "\n".join(LEADER.sub(" ", line).strip() for line in [*head, *lines])


def compact_table_vectors(workdir: Path) -> str:
    from tokenizers import Tokenizer

    with sqlite3.connect(workdir / "data" / "db" / "enterprise.db") as database:
        chunks = database.execute("SELECT id, text FROM chunks WHERE kind = 'table'").fetchall()
    ids = [str(uuid.UUID(chunk_id)) for chunk_id, _ in chunks]
    texts = [compact_table_text(text) for _, text in chunks]
    tokenizer = Tokenizer.from_file(str(minilm_tokenizer_path()))
    tokenizer.no_truncation()
    tokenizer.no_padding()

    def pieces_read(batch: list[str]) -> int:
        return sum(min(len(e.ids), MINILM_MAX_TOKENS) for e in tokenizer.encode_batch(batch))

    before, after = pieces_read([text for _, text in chunks]), pieces_read(texts)
    store, embedder = collection(workdir), get_embedder(Settings())
    started = time.perf_counter()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), EMBED_BATCH):
        batch = order[start : start + EMBED_BATCH]
        store.update(ids=[ids[i] for i in batch], embeddings=embedder.embed_documents([texts[i] for i in batch]))
    seconds = time.perf_counter() - started
    return (
        f"{len(texts)} table-row chunks embedded again in {seconds:.0f} s; word pieces the model reads "
        f"{before:,} -> {after:,} ({after / max(before, 1):.2f}x)"
    )


VARIANTS: dict[str, Callable[[Path], str]] = {
    "table-rows-out": table_rows_out,
    "page-text-out": page_text_out,
    "compact-table-text": compact_table_vectors,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, required=True, help="filled by bench/eval_financebench.py --workdir")
    parser.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    if not (args.workdir / "chroma").exists():
        raise SystemExit(f"{args.workdir} holds no eval run: run bench/eval_financebench.py --workdir first")
    copy = args.workdir.with_name(f"{args.workdir.name}-{args.variant}")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(args.workdir, copy, symlinks=True)
    print(f"{args.variant}: {VARIANTS[args.variant](copy)}", flush=True)
    command = [sys.executable, str(ROOT / "bench" / "eval_financebench.py"), "--workdir", str(copy)]
    subprocess.run([*command, "--out", str(args.out / args.variant)], check=True)


if __name__ == "__main__":
    main()
