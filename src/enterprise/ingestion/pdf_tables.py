"""Tables out of PDF pages with PyMuPDF's `find_tables`, read cell by cell.

`find_tables` with its layout model gets financial statements right (one table, one column
per period) but costs about a second a page here, so it runs only on pages that cheap signals
pick, in a small process pool. Cell text is read from the page's words inside each cell's
rectangle: the table's own `extract()` garbles these filings' cells ('213883\\n,' for 213,883).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from itertools import pairwise
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from enterprise.language import detect_language
from enterprise.numbers import detect_scale, parse_number, parse_row_numbers, scale_currency

STATEMENT_TITLE = re.compile(
    r"consolidated\s*(statements?|balance\s*sheets?)\s*of|consolidated\s*balance\s*sheets?|"
    r"statements?\s*of\s*(operations|income|earnings|cash\s*flows|financial\s*position|comprehensive)|"
    # Spanish: "Estado(s) de situación financiera", "Estado de resultados", "Estado de flujos de efectivo".
    r"estados?\s+(consolidados?\s+)?de\s+(situaci[oó]n\s+financiera|resultados|flujos?\s+de\s+efectivo|"
    r"cambios\s+en\s+el\s+patrimonio)|cuenta\s+de\s+p[eé]rdidas\s+y\s+ganancias",
    re.IGNORECASE,
)
# A title line on its own: "INCOME STATEMENTS", "CASH FLOWS STATEMENTS", "BALANCE SHEETS", "BALANCE GENERAL".
TITLE_LINE = re.compile(
    r"^\s*(consolidated\s+)?((comprehensive\s+)?(income|earnings|operations|cash\s*flows?)\s+statements?|"
    r"balance\s+sheets?|statements?\s+of\s+financial\s+position)\s*$|"
    r"^\s*balance\s+(general|de\s+situaci[oó]n)(\s+consolidado)?\b.{0,40}$",
    re.IGNORECASE,
)
# Statements end with this reference to the notes, continuation pages included.
STATEMENT_FOOTER = re.compile(r"accompanying\s*notes|notas\s+adjuntas|notas\s+explicativas", re.IGNORECASE)
_FILLER_CELLS = {"", "$", "%", ")", "(", "€", "£"}
MIN_NUMERIC_LINES = 20
INDEX_TITLES = 3
CANDIDATE_RATIO = 0.35


@dataclass(frozen=True)
class PageSignals:
    page: int  # 1-based
    numeric_lines: int
    numeric_ratio: float
    statement_title: bool
    heading: str | None = None  # the statement's title line as printed, when the page has one

    @property
    def is_statement(self) -> bool:
        return self.statement_title and self.numeric_lines >= 10

    @property
    def is_candidate(self) -> bool:
        return self.is_statement or (self.numeric_lines >= MIN_NUMERIC_LINES and self.numeric_ratio >= CANDIDATE_RATIO)

    @property
    def is_primary(self) -> bool:
        """Statement pages: their tables are extracted before the document is searchable."""
        return self.is_statement


def page_signals(page_number: int, text: str) -> PageSignals:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    numeric = sum(1 for line in lines if parse_number(line) is not None)
    head_lines = [line for line in lines[:8] if len(line) <= 90]
    head, foot = " ".join(head_lines), " ".join(lines[-4:])
    heading = next((line for line in head_lines if STATEMENT_TITLE.search(line) or TITLE_LINE.match(line)), None)
    # An index of the financial statements lists their titles with page numbers: not one of them.
    is_index = sum(1 for line in lines if STATEMENT_TITLE.search(line) and len(line) <= 90) >= INDEX_TITLES
    return PageSignals(
        page=page_number,
        numeric_lines=numeric,
        numeric_ratio=numeric / len(lines) if lines else 0.0,
        statement_title=not is_index and bool(heading or STATEMENT_TITLE.search(head) or STATEMENT_FOOTER.search(foot)),
        heading=heading,
    )


@dataclass
class GridTable:
    page: int
    ordinal: int
    bbox: list[float]
    title: str
    scale: str | None
    header: list[str]
    rows: list[list[str]]
    values: list[list[float | None]] = field(default_factory=list)
    currency: str | None = None
    sheet: str | None = None


def _is_header_row(row: list[str]) -> bool:
    """Periods above the numbers: cells of years and dates, and no other number."""
    values = [cell for cell in row[1:] if cell.strip()]
    return bool(values) and not any(parse_number(c) is not None and not _looks_like_year(c) for c in values)


def _looks_like_year(cell: str) -> bool:
    return bool(re.fullmatch(r"(?:fiscal\s+)?(19|20)\d\d", cell.strip(), re.IGNORECASE))


Cell = tuple[float, str]  # (right edge of the text, text)
COLUMN_GAP = 18.0


def _value_columns(rows: list[list[Cell]]) -> list[float]:
    """Columns from the right edges of the numbers, clustered: the grid's own columns drift
    where '$' signs sit in cells of their own."""
    centres = sorted(x for row in rows for x, text in row if parse_number(text) is not None)
    clusters: list[list[float]] = []
    for x in centres:
        if clusters and x - clusters[-1][-1] <= COLUMN_GAP:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    # A column holds numbers in several rows; a lone stray number is not a column.
    minimum = 2 if len(rows) > 3 else 1
    return [sum(c) / len(c) for c in clusters if len(c) >= minimum]


def _nearest(columns: list[float], x: float) -> int | None:
    if not columns:
        return None
    index = min(range(len(columns)), key=lambda i: abs(columns[i] - x))
    spacing = min((b - a for a, b in pairwise(columns)), default=200.0)
    return index if abs(columns[index] - x) <= max(spacing * 0.6, COLUMN_GAP) else None


def align_rows(label_rows: list[tuple[str, list[Cell]]], words_above: list[Cell]) -> tuple[list[str], list[list[str]]]:
    """Header and rows with one cell per value column: the label, then each period's value.

    Rows before the first number with no label are the header (dates, "Years ended"); when the
    table has none, years printed just above it are taken as the header.
    """
    columns = _value_columns([cells for _, cells in label_rows])
    header = [""] * (len(columns) + 1)
    rows: list[list[str]] = []
    for label, cells in label_rows:
        row = [label, *[""] * len(columns)]
        for x, text in cells:
            if text.strip() in _FILLER_CELLS:
                continue
            column = _nearest(columns, x)
            if column is None:
                row[0] = f"{row[0]} {text}".strip()
            else:
                row[column + 1] = f"{row[column + 1]} {text}".strip()
        if not rows and _is_header_row(row):
            header = [f"{h} {c}".strip() for h, c in zip(header, row, strict=True)]
        elif any(row):
            rows.append(row)
    if not any(header[1:]):
        for x, text in words_above:
            column = _nearest(columns, x)
            if column is not None and _looks_like_year(text):
                header[column + 1] = text
    return header, rows


def _words_inside(words: list[tuple[Any, ...]], rect: tuple[float, float, float, float]) -> str:
    """The words whose centre lies in `rect`, in reading order.

    `page.get_textbox(rect)` gives the same text but costs ~40 ms a call here, which is
    seconds for a statement's few hundred cells.
    """
    x0, y0, x1, y1 = rect
    inside = [w for w in words if x0 <= (w[0] + w[2]) / 2 <= x1 and y0 <= (w[1] + w[3]) / 2 <= y1]
    lines: list[list[str]] = []
    last_line: tuple[int, int] | None = None
    for word in inside:
        line_key = (word[5], word[6])
        if line_key != last_line:
            lines.append([])
            last_line = line_key
        lines[-1].append(str(word[4]))
    return "\n".join(" ".join(line) for line in lines)


def _label_and_cells(words: list[tuple[Any, ...]], cells: list[Any]) -> tuple[str, list[Cell]]:
    """The text of the row's first cell is its label; the other cells carry values or headings,
    each placed by the right edge of its text (numbers are right-aligned, cells are not)."""
    texts = [(cell, *_words_and_edge(words, cell)) for cell in cells if cell]
    if not texts:
        return "", []
    first_cell, first_text, _ = texts[0]
    is_label = parse_number(first_text) is None and first_cell[0] <= cells_left(cells) + 1
    label = first_text if is_label else ""
    values = [(edge, text) for _, text, edge in (texts[1:] if is_label else texts) if text]
    return label, values


def _words_and_edge(words: list[tuple[Any, ...]], rect: Any) -> tuple[str, float]:
    x0, y0, x1, y1 = rect
    inside = [w for w in words if x0 <= (w[0] + w[2]) / 2 <= x1 and y0 <= (w[1] + w[3]) / 2 <= y1]
    text = " ".join(str(w[4]) for w in inside)
    return text, max((float(w[2]) for w in inside), default=float(x1))


def cells_left(cells: list[Any]) -> float:
    return float(min(cell[0] for cell in cells if cell))


def extract_page_tables(pdf_path: str, page_number: int) -> list[GridTable]:
    """Every table on one page (1-based), with header, rows, numbers and the printed scale."""
    import pymupdf

    with pymupdf.open(pdf_path) as document:
        page = document[page_number - 1]
        found = page.find_tables()
        tables: list[GridTable] = []
        words = page.get_text("words", sort=True)
        page_head = page.get_text("text")[:1500]
        page_scale, page_currency = detect_scale(page_head), scale_currency(page_head)
        # "48.250" on a Spanish page is forty-eight thousand.
        comma_page = detect_language(page_head) == "es"
        for ordinal, table in enumerate(found.tables):
            label_rows = [_label_and_cells(words, row.cells) for row in table.rows]
            top = table.bbox[1]
            header_band = [
                (float(w[2]), str(w[4]))
                for w in words
                if top - 40 <= (w[1] + w[3]) / 2 < top and w[0] > table.bbox[0] + 100
            ]
            header, rows = align_rows(label_rows, header_band)
            if len(rows) < 2 or len(header) < 2:
                continue
            above = _words_inside(words, (0, max(0.0, top - 120), page.rect.width, top))
            title_lines = [line.strip() for line in above.splitlines() if line.strip()]
            tables.append(
                GridTable(
                    page=page_number,
                    ordinal=ordinal,
                    bbox=[round(v, 1) for v in table.bbox],
                    title=" ".join(title_lines[-3:])[:500],
                    scale=detect_scale(above) or page_scale,
                    header=header,
                    rows=rows,
                    values=parse_row_numbers(rows, decimal_comma_language=comma_page),
                    currency=scale_currency(above) or page_currency,
                )
            )
        by_lines = line_table(words, page_number, float(page.rect.width), page_scale, page_currency, comma_page)
        if by_lines is not None and _figures(by_lines) > LINE_TABLE_GAIN * sum(_figures(t) for t in tables):
            # The layout model missed the statement (no table, or one cell holding every label):
            # the page's own lines, read label then figures, are the better table.
            return [by_lines]
        return tables


LINE_TABLE_GAIN = 1.2
LINE_TOLERANCE = 3.0
MIN_LINE_TABLE_ROWS = 8


_MERGED_FIGURES = re.compile(r"\d[\d,.]*\)?\s+\$?\s*\(?\d")


def _figures(table: GridTable) -> int:
    """How many labelled figures a table holds; a cell holding two figures (columns merged by
    the layout model) counts against it."""
    good = sum(
        1
        for row, values in zip(table.rows, table.values, strict=False)
        if row[0]
        for value in values[1:]
        if value is not None
    )
    merged = sum(1 for row in table.rows for cell in row[1:] if _MERGED_FIGURES.search(cell))
    return good - 2 * merged


def _visual_lines(words: list[tuple[Any, ...]]) -> list[list[tuple[Any, ...]]]:
    """Words grouped by the line they sit on (label and figures may be separate text blocks)."""
    lines: list[list[tuple[Any, ...]]] = []
    for word in sorted(words, key=lambda w: ((w[1] + w[3]) / 2, w[0])):
        middle = (word[1] + word[3]) / 2
        if lines and abs(middle - (lines[-1][0][1] + lines[-1][0][3]) / 2) <= LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w[0]) for line in lines]


def _is_figure(text: str) -> bool:
    return (
        parse_number(text) is not None
        or text.strip() in {"—", "–", "-", "$"}
        or bool(re.fullmatch(r"\(?\$?\(?[\d,.]+\)?%?\)?", text))
    )


def line_table(
    words: list[tuple[Any, ...]],
    page_number: int,
    width: float,
    scale: str | None,
    currency: str | None = None,
    decimal_comma_language: bool = False,
) -> GridTable | None:
    """A statement read from the page's lines: each line's words on the left are its label,
    the figures on the right its values, aligned into columns by their right edges."""
    label_rows: list[tuple[str, list[Cell]]] = []
    started = False
    title: list[str] = []
    for line in _visual_lines(words):
        figures = [w for w in line if w[0] > width * 0.4 and _is_figure(str(w[4]))]
        label = " ".join(str(w[4]) for w in line if w not in figures).strip()
        cells = [(float(w[2]), str(w[4])) for w in figures]
        years = [c for _, c in cells if _looks_like_year(c)]
        if not started:
            # Lines above the periods (or above the first figure) are the statement's title.
            if len(years) >= 2 or (cells and any(parse_number(c) is not None for _, c in cells)):
                started = True
            else:
                title.append(label)
                continue
        label_rows.append((label, cells))
    if not label_rows:
        return None
    header, rows = align_rows(label_rows, [])
    if sum(1 for row in rows if row[0] and any(parse_number(c) is not None for c in row[1:])) < MIN_LINE_TABLE_ROWS:
        return None
    text_above = " ".join(title)
    return GridTable(
        page=page_number,
        ordinal=0,
        bbox=[],
        title=" ".join(title[-3:])[:500],
        scale=detect_scale(text_above) or scale,
        header=header,
        rows=rows,
        values=parse_row_numbers(rows, decimal_comma_language=decimal_comma_language),
        currency=scale_currency(text_above) or currency,
    )


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
PARENT_CHECK_SECONDS = 2.0


def _exit_with_parent(parent_pid: int) -> None:
    """Runs in each pool worker: a server killed outright must not leave its workers behind."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def table_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """One process pool per process: the layout model is CPU-bound and holds the GIL."""
    global _pool
    with _pool_lock:
        if _pool is None:
            # spawn, not fork: the worker threads of this process may hold locks a fork would copy.
            _pool = ProcessPoolExecutor(
                max_workers=workers or os.cpu_count() or 1,
                mp_context=get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        return _pool


def extract_tables(
    pdf_path: Path,
    pages: list[int],
    on_page_done: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> list[GridTable]:
    """Tables of `pages`, in page order; `on_page_done(done, total)` after each page."""
    if not pages:
        return []
    pool = table_pool(workers)
    futures = {pool.submit(extract_page_tables, str(pdf_path), page): page for page in pages}
    by_page: dict[int, list[GridTable]] = {}
    for done, future in enumerate(as_completed(futures), start=1):
        by_page[futures[future]] = future.result()
        if on_page_done is not None:
            on_page_done(done, len(pages))
    return [table for page in sorted(by_page) for table in by_page[page]]
