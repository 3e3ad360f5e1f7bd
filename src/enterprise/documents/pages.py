"""A page of a stored PDF as a PNG image, with the cited words highlighted, cached beside the original.

The dashboard shows a citation as the page itself, so an executive sees the figure where the
filing prints it. Rendering a 10-K page takes tens of milliseconds and the same citation is
opened again and again, so each (page, highlights) image is kept until its original is deleted.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from enterprise.documents.models import Document
from enterprise.documents.storage import OriginalStore
from shared.errors import NotFoundError

ZOOM = 1.5  # 108 dpi: a printed figure stays legible on a laptop and the PNG stays near 200 KB
MAX_HIGHLIGHTS = 5
MAX_HIGHLIGHT_CHARS = 300
MAX_RECTANGLES = 60
WORDS_PER_PIECE = 6
# Yellow at the PDF viewers' usual strength: the figure stays readable under it.
HIGHLIGHT_COLOUR = (1.0, 0.85, 0.0)
SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")


def page_image(store: OriginalStore, document: Document, page: int, highlights: Sequence[str]) -> tuple[bytes, str]:
    """The PNG of `page` (1-based) and its cache key, which doubles as the HTTP entity tag."""
    if document.file_format != "pdf":
        raise NotFoundError(f"{document.filename} has no page images: only PDF pages are rendered as images")
    wanted = _clean(highlights)
    key = _cache_key(document.sha256, page, wanted)
    cached = store.derived_dir(document.enterprise_id, document.sha256) / "pages" / f"{key}.png"
    if cached.is_file():
        return cached.read_bytes(), key
    with store.local_copy(document.enterprise_id, document.sha256) as original:
        png = _render(original, document, page, wanted)
    _write_atomically(cached, png)
    return png, key


def _clean(highlights: Sequence[str]) -> list[str]:
    cleaned = [" ".join(h.split())[:MAX_HIGHLIGHT_CHARS] for h in highlights[:MAX_HIGHLIGHTS]]
    return sorted({h for h in cleaned if h})


def _cache_key(sha256: str, page: int, highlights: Sequence[str]) -> str:
    digest = hashlib.sha256("\x1f".join([sha256, str(page), str(ZOOM), *highlights]).encode()).hexdigest()
    return f"p{page}-{digest[:24]}"


def _render(path: Path, document: Document, page_number: int, highlights: Sequence[str]) -> bytes:
    import pymupdf

    with pymupdf.open(path) as pdf:
        if page_number > pdf.page_count:
            raise NotFoundError(
                f"page {page_number} is beyond the last page of {document.filename} ({pdf.page_count} pages)"
            )
        page = pdf[page_number - 1]
        rectangles = [r for text in highlights for r in _places(page, text)][:MAX_RECTANGLES]
        if rectangles:
            annotation = page.add_highlight_annot(rectangles)
            annotation.set_colors(stroke=HIGHLIGHT_COLOUR)
            annotation.update()
        pixmap = page.get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), annots=True)
        return bytes(pixmap.tobytes("png"))


def _places(page: Any, text: str) -> list[Any]:
    """Where `text` is printed on the page: the whole of it, else its sentences, else runs of its words.

    A cited passage is the text as extracted, and a sentence that wraps across columns or a table
    row whose cells are far apart is not found whole, so smaller pieces are tried in turn."""
    for pieces in ([text], _sentences(text), _word_runs(text)):
        found = [r for piece in pieces for r in page.search_for(piece)]
        if found:
            return found
    return []


def _sentences(text: str) -> list[str]:
    sentences = [s for s in SENTENCE_END.split(text) if len(s.split()) >= 2]
    return sentences if len(sentences) > 1 else []


def _word_runs(text: str) -> list[str]:
    words = text.split()
    if len(words) <= WORDS_PER_PIECE:
        return []
    return [" ".join(words[i : i + WORDS_PER_PIECE]) for i in range(0, len(words), WORDS_PER_PIECE)]


def _write_atomically(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, target)
