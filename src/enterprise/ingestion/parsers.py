"""Each supported format read into pages of text (1-based page numbers of the file) and tables."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from enterprise.ingestion.pdf_tables import GridTable, PageSignals, page_signals
from enterprise.ingestion.sheets import SheetGrid, csv_rows, split_grid
from enterprise.language import detect_language
from enterprise.numbers import parse_row_numbers
from shared.text_extraction import PageText, UnreadableDocumentError, decode_text, extract_docx_pages

MAX_JSON_DEPTH = 64
MIN_ARCHIVE_LIMIT = 500 * 1024 * 1024
ARCHIVE_RATIO_LIMIT = 20
MAX_SHEET_ROWS = 200_000
_ITEM_HEADING = re.compile(r"^\s*(item\s+\d+[a-z]?\.?\s+.{3,80}|part\s+[ivx]+\b.*)$", re.IGNORECASE)


@dataclass
class ParsedDocument:
    pages: list[PageText]
    page_count: int
    tables: list[GridTable] = field(default_factory=list)
    pages_without_text: int = 0
    signals: list[PageSignals] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse(path: Path, file_format: str, name: str = "") -> ParsedDocument:
    """`name` is the file's name as uploaded (originals are stored under their digest)."""
    parser = {
        "pdf": parse_pdf,
        "docx": parse_docx,
        "xlsx": parse_xlsx,
        "csv": parse_csv,
        "txt": parse_txt,
        "json": parse_json,
    }.get(file_format)
    if parser is None:
        raise UnreadableDocumentError(f"no parser for .{file_format} files")
    if path.stat().st_size == 0:
        raise UnreadableDocumentError("the file is empty (0 bytes)")
    if file_format == "csv":
        return parse_csv(path, Path(name).stem or "Table")
    if file_format == "json":
        return parse_json(path, name)
    return parser(path)


def parse_pdf(path: Path) -> ParsedDocument:
    import pymupdf

    try:
        document = pymupdf.open(path, filetype="pdf")
    except Exception as exc:
        raise UnreadableDocumentError(f"the PDF is damaged and cannot be opened ({exc})") from exc
    with document:
        if document.needs_pass or document.is_encrypted:
            raise UnreadableDocumentError("the PDF is encrypted with a password; upload an unprotected copy")
        if document.page_count == 0:
            raise UnreadableDocumentError("the PDF is damaged: no page of it can be read")
        pages: list[PageText] = []
        signals: list[PageSignals] = []
        section = ""
        blank = 0
        for index in range(document.page_count):
            try:
                # A glyph mapped to no character comes out as NUL (a bullet, in some filings):
                # not text, and PostgreSQL refuses it.
                text = document[index].get_text("text").replace("\x00", " ")
            except Exception as exc:
                raise UnreadableDocumentError(f"page {index + 1} of the PDF cannot be read ({exc})") from exc
            if len(text.strip()) < 5:
                blank += 1
            section = _running_section(text, section)
            pages.append(PageText(page=index + 1, text=text, section=section))
            signals.append(page_signals(index + 1, text))
    notes = [f"{blank} page(s) have no text layer (scanned images?) and were not indexed"] if blank else []
    return ParsedDocument(pages, len(pages), pages_without_text=blank, signals=signals, notes=notes)


def _running_section(text: str, current: str) -> str:
    for line in text.splitlines()[:15]:
        if _ITEM_HEADING.match(line):
            return " ".join(line.split())[:200]
    return current


def _check_archive(path: Path, kind: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
            bad = archive.testzip() if expanded < 50 * 1024 * 1024 else None
    except zipfile.BadZipFile as exc:
        raise UnreadableDocumentError(f"the {kind} file is damaged or truncated ({exc})") from exc
    limit = max(MIN_ARCHIVE_LIMIT, ARCHIVE_RATIO_LIMIT * path.stat().st_size)
    if expanded > limit:
        raise UnreadableDocumentError(
            f"the {kind} file would expand to {expanded // (1024 * 1024)} MB, over the limit of "
            f"{limit // (1024 * 1024)} MB: refused as a possible zip bomb"
        )
    if bad is not None:
        raise UnreadableDocumentError(f"the {kind} file is damaged: member {bad} fails its checksum")


def parse_docx(path: Path) -> ParsedDocument:
    import docx

    _check_archive(path, "DOCX")
    try:
        sections = extract_docx_pages(path)
        document = docx.Document(str(path))
    except (UnreadableDocumentError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableDocumentError(f"the DOCX file cannot be read ({exc})") from exc
    tables: list[GridTable] = []
    for ordinal, (heading, table) in enumerate(_docx_tables(document)):
        grid = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if len(grid) >= 2:
            tables.append(_grid_table(grid, page=1, ordinal=ordinal, title=heading or f"Table {ordinal + 1}"))
    return ParsedDocument(sections, 1, tables=tables)


def _docx_tables(document: Any) -> Iterator[tuple[str, Any]]:
    """Each table of the body with the heading above it ("3. Precios"): what the table is about."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    heading = ""
    for block in document.iter_inner_content():
        if (
            isinstance(block, Paragraph)
            and block.style is not None
            and block.style.name.lower().startswith(("heading", "title", "título"))
        ):
            heading = block.text.strip()
        elif isinstance(block, Table):
            yield heading, block


def _grid_table(grid: list[list[str]], page: int, ordinal: int, title: str, sheet: str | None = None) -> GridTable:
    """A table kept as data: its header row found under any title lines, whose words (with the
    sheet's or file's name first) become the table's title, scale and currency."""
    parts = split_grid(grid)
    return GridTable(
        page=page,
        ordinal=ordinal,
        bbox=[],
        title=" · ".join([title, *parts.title_lines]),
        scale=parts.scale,
        header=parts.header,
        rows=parts.rows,
        values=parse_row_numbers(parts.rows, skip_first=False, decimal_comma_language=_spanish(parts)),
        currency=parts.currency,
        sheet=sheet,
    )


def _spanish(sheet: SheetGrid) -> bool:
    """A sheet written in Spanish, by its title, headings and first rows' words."""
    words = " ".join([*sheet.title_lines, *sheet.header, *(c for row in sheet.rows[:30] for c in row)])
    return sum(ch.isalpha() for ch in words) >= 20 and detect_language(words) == "es"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")  # the day first, as the Spanish-speaking world writes dates
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_xlsx(path: Path) -> ParsedDocument:
    import openpyxl

    _check_archive(path, "XLSX")
    handle = path.open("rb")  # a file object: openpyxl judges a path by its extension, and originals have none
    try:
        # data_only: formulas read as the values Excel cached when the file was saved.
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:
        handle.close()
        raise UnreadableDocumentError(f"the XLSX file cannot be read ({exc})") from exc
    pages: list[PageText] = []
    tables: list[GridTable] = []
    notes: list[str] = []
    try:
        for index, sheet in enumerate(workbook.worksheets, start=1):
            grid: list[list[str]] = []
            for row in sheet.iter_rows(values_only=True):
                cells = [_cell_text(v) for v in row]
                if any(cells):
                    grid.append(cells)
                if len(grid) > MAX_SHEET_ROWS:
                    notes.append(f"sheet {sheet.title!r} has more than {MAX_SHEET_ROWS} rows; the rest was not read")
                    break
            if grid:
                tables.append(_grid_table(grid, page=index, ordinal=0, title=sheet.title, sheet=sheet.title))
            pages.append(PageText(page=index, text=f"Sheet {sheet.title}", section=sheet.title))
    finally:
        workbook.close()
        handle.close()
    return ParsedDocument(pages, len(pages), tables=tables, notes=notes)


def parse_csv(path: Path, title: str = "Table") -> ParsedDocument:
    grid = csv_rows(decode_text(path.read_bytes()))
    if not grid:
        raise UnreadableDocumentError("the CSV file has no rows")
    table = _grid_table(grid[: MAX_SHEET_ROWS + 1], 1, 0, title)
    return ParsedDocument([PageText(page=1, text="")], 1, tables=[table])


def parse_txt(path: Path) -> ParsedDocument:
    text = decode_text(path.read_bytes())
    if "\x00" in text:
        raise UnreadableDocumentError("the text file contains binary data")
    # A form feed is how plain-text reports mark a new page.
    pages = [PageText(page=i, text=part) for i, part in enumerate(text.split("\f"), start=1)]
    return ParsedDocument(pages, len(pages))


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest, without parsing (a deep document would exhaust the stack)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _flatten(value: Any, path: list[str]) -> Iterator[str]:
    """One line per value, "kpis comerciales › por region › Norte › nps: 47": the key path in
    words (a key's underscores are spaces a search can match), then the value."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _flatten(child, [*path, str(key).replace("_", " ").strip()])
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _flatten(child, [*path, f"[{index + 1}]"])
    else:
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        yield f"{' › '.join(path) or '$'}: {shown}"


def parse_json(path: Path, name: str = "") -> ParsedDocument:
    text = decode_text(path.read_bytes())
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise UnreadableDocumentError(f"the JSON nests {depth} levels deep; the limit is {MAX_JSON_DEPTH}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableDocumentError(f"the file is not valid JSON: {exc}") from exc
    tables = [
        _grid_table(grid, page=1, ordinal=ordinal, title=title)
        for ordinal, (title, grid) in enumerate(_records(data, [Path(name).stem or "JSON"]))
    ]
    return ParsedDocument([PageText(page=1, text="\n".join(_flatten(data, [])))], 1, tables=tables)


def _records(value: Any, path: list[str]) -> Iterator[tuple[str, list[list[str]]]]:
    """Lists of flat objects ("ventas": [{"mes": "Enero", "importe": 1200}, …]) are tables: a
    column per key, a row per object, titled by their key path."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _records(child, [*path, str(key).replace("_", " ")])
    elif isinstance(value, list):
        flat = [item for item in value if isinstance(item, dict) and all(_scalar(v) for v in item.values())]
        if len(flat) >= 2 and len(flat) == len(value):
            keys = list(dict.fromkeys(k for item in flat for k in item))
            header = [str(k).replace("_", " ") for k in keys]
            yield " › ".join(path), [header, *([_cell_text(item.get(k)) for k in keys] for item in flat)]
        else:
            for index, child in enumerate(value):
                yield from _records(child, [*path, f"[{index + 1}]"])


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)
