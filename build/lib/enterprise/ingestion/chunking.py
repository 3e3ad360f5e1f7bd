"""Chunks for the index: page text in ~200-word pieces (MiniLM reads 256 tokens), and table
rows that each carry their column headers, so a row is findable by its line item alone."""

from __future__ import annotations

from dataclasses import dataclass

from enterprise.ingestion.pdf_tables import GridTable

MAX_WORDS = 200


@dataclass(frozen=True)
class TableChunk:
    page: int
    section: str
    text: str


def row_line(header: list[str], row: list[str]) -> str:
    """'Total net sales | September 28, 2019: 260,174 | September 29, 2018: 265,595';
    'Región: México | Ventas 2019: 1.250' where the label column has a heading."""
    label, cells = row[0], row[1:]
    label_name = header[0] if header else ""
    parts = [f"{label_name}: {label}" if label_name else label] if label else []
    for name, cell in zip(header[1:], cells, strict=False):
        if cell:
            parts.append(f"{name}: {cell}" if name else cell)
    return " | ".join(parts)


def table_chunks(table: GridTable) -> list[TableChunk]:
    heading = table.title or f"Table on page {table.page}"
    if table.scale:
        heading += f" (in {table.scale})"
    chunks: list[TableChunk] = []
    lines: list[str] = []
    words = len(heading.split())
    for row in table.rows:
        line = row_line(table.header, row)
        if not line:
            continue
        line_words = len(line.split())
        if lines and words + line_words > MAX_WORDS:
            chunks.append(TableChunk(table.page, heading[:300], "\n".join([heading, *lines])))
            lines, words = [], len(heading.split())
        lines.append(line)
        words += line_words
    if lines:
        chunks.append(TableChunk(table.page, heading[:300], "\n".join([heading, *lines])))
    return chunks
