"""Spreadsheets, CSV files and document tables as data: where the header row is under any title
lines, what the titles say of scale and currency, and which delimiter a CSV uses."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass

from enterprise.numbers import detect_currency, detect_scale, parse_number

DELIMITERS = ";,\t|"
# Rows read to find the header: title blocks are short, and a sheet's data starts near its top.
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class SheetGrid:
    """A grid split into what sits above the table (its title lines) and the table itself."""

    title_lines: list[str]
    header: list[str]
    rows: list[list[str]]
    scale: str | None
    currency: str | None

    @property
    def title(self) -> str:
        return " · ".join(self.title_lines)


def csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV, split on the delimiter most lines agree on (a title line above the
    header would lead Python's sniffer to a comma inside it)."""
    lines = [line for line in text.splitlines() if line.strip()][:200]
    delimiter = max(DELIMITERS, key=lambda d: _agreement(lines, d))
    if _agreement(lines, delimiter) == 0:
        delimiter = ","
    return [
        [cell.strip() for cell in row]
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        if any(cell.strip() for cell in row)
    ]


def _agreement(lines: list[str], delimiter: str) -> int:
    """How many lines split into the most common number of fields, when that number is above one."""
    counts = Counter(len(next(csv.reader([line], delimiter=delimiter))) for line in lines)
    fields, lines_with = max(counts.items(), key=lambda item: (item[1], item[0]), default=(1, 0))
    return lines_with if fields > 1 else 0


def split_grid(grid: list[list[str]]) -> SheetGrid:
    """The header is the first row that fills most of the table's width with labels and is
    followed by a row of data; the lines above it are the title."""
    width = max((_filled(row) for row in grid), default=0)
    header_index = 0
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        if _filled(row) >= max(2, (width + 1) // 2) and _labels(row) and index + 1 < len(grid):
            header_index = index
            break
    titles = [" ".join(c for c in row if c.strip()) for row in grid[:header_index]]
    header, rows = grid[header_index], grid[header_index + 1 :]
    columns = max(len(header), *(len(r) for r in rows)) if rows else len(header)
    header = [*header, *[""] * (columns - len(header))]
    rows = [[*r, *[""] * (columns - len(r))] for r in rows if any(c.strip() for c in r)]
    words = " ".join([*titles, *header])
    return SheetGrid(titles, header, rows, detect_scale(words), detect_currency(words))


def _filled(row: list[str]) -> int:
    return sum(1 for cell in row if cell.strip())


def _labels(row: list[str]) -> bool:
    """A header row: most of its cells are words or dates, not amounts."""
    cells = [c for c in row if c.strip()]
    amounts = sum(1 for c in cells if parse_number(c) is not None and not _year_or_date(c))
    return amounts * 2 < len(cells)


def _year_or_date(cell: str) -> bool:
    digits = cell.strip()
    return (len(digits) == 4 and digits.isdigit() and digits[:2] in {"19", "20"}) or digits.count("/") == 2
