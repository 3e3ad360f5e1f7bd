"""Plain text out of uploaded files, page by page, and page-bound chunks of it."""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from langchain_text_splitters import RecursiveCharacterTextSplitter

from shared.errors import UnsupportedMediaTypeError

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"


class UnreadableDocumentError(Exception):
    """The file is of a supported type but cannot be read; the message says why."""


@dataclass(frozen=True)
class PageText:
    page: int  # 1-based page of the file; 1 for formats without pages
    text: str
    section: str = ""


@dataclass(frozen=True)
class TextChunk:
    page: int
    section: str
    text: str
    ordinal: int


def sniff_format(head: bytes, filename: str, allowed: frozenset[str]) -> str:
    """The format named by the file's extension, once its first bytes confirm it."""
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension not in allowed:
        raise UnsupportedMediaTypeError(
            f"'.{extension or '?'}' files are not supported; supported: {', '.join(sorted(allowed))}"
        )
    if not head:
        return extension  # emptiness is reported by the parser, with a clear reason
    expected_magic = {"pdf": PDF_MAGIC, "docx": ZIP_MAGIC, "xlsx": ZIP_MAGIC}.get(extension)
    if expected_magic is not None and not head.startswith(expected_magic):
        raise UnsupportedMediaTypeError(
            f"the file is named .{extension} but its content is not a {extension.upper()} file"
        )
    if extension in {"txt", "csv", "json"} and (head.startswith((PDF_MAGIC, ZIP_MAGIC)) or b"\x00" in head[:4096]):
        raise UnsupportedMediaTypeError(f"the file is named .{extension} but its content is binary, not text")
    return extension


_WESTERN_EXTRA = frozenset("¡¿ºª°€£¥§©®«»–—‘’“”•…·±×÷µ")


def _reads_as_western(text: str) -> bool:
    """Accented Latin letters and common signs only: what Spanish or English in cp1252 gives."""
    return all(
        ord(ch) < 128 or ch in _WESTERN_EXTRA or (unicodedata.category(ch).startswith("L") and ord(ch) < 0x250)
        for ch in text
    )


def decode_text(data: bytes) -> str:
    """UTF-8 or UTF-16 by their marks; then Windows-1252 (Latin-1) when it reads as Spanish or
    English would; anything else by detection, which is unreliable on short texts."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        western = data.decode("cp1252")
        if _reads_as_western(western):
            return western
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("latin-1")


def extract_pdf_pages(path: Path) -> list[PageText]:
    import pymupdf

    try:
        document = pymupdf.open(path)
    except Exception as exc:
        raise UnreadableDocumentError(f"not a readable PDF: {exc}") from exc
    with document:
        if document.needs_pass:
            raise UnreadableDocumentError("the PDF is encrypted with a password")
        return [
            PageText(page=number + 1, text=document[number].get_text("text")) for number in range(document.page_count)
        ]


def extract_docx_pages(path: Path) -> list[PageText]:
    """A DOCX has no fixed pages: its text is one page, with each heading opening a section."""
    import docx

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableDocumentError(f"not a readable DOCX: {exc}") from exc
    sections: list[PageText] = []
    heading, lines = "", list[str]()
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        if paragraph.style is not None and (paragraph.style.name or "").lower().startswith("heading"):
            if lines:
                sections.append(PageText(page=1, text="\n".join(lines), section=heading))
            heading, lines = text, []
            continue
        lines.append(text)
    if lines:
        sections.append(PageText(page=1, text="\n".join(lines), section=heading))
    return sections


def extract_pages(path: Path, file_format: str) -> list[PageText]:
    if file_format == "pdf":
        return extract_pdf_pages(path)
    if file_format == "docx":
        return extract_docx_pages(path)
    if file_format == "txt":
        return [PageText(page=1, text=decode_text(path.read_bytes()))]
    raise UnsupportedMediaTypeError(f"no text extractor for .{file_format}")


def chunk_pages(pages: list[PageText], max_words: int = 200, overlap_words: int = 30) -> list[TextChunk]:
    """Chunks of about `max_words` that never cross a page and keep the page and section."""
    # Words average about six characters with their space in these documents.
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=max_words * 6, chunk_overlap=overlap_words * 6, separators=["\n\n", "\n", ". ", " ", ""]
    )
    chunks: list[TextChunk] = []
    for page in pages:
        for piece in splitter.split_text(page.text):
            if piece.strip():
                chunks.append(TextChunk(page=page.page, section=page.section, text=piece.strip(), ordinal=len(chunks)))
    return chunks
