"""Questions about spreadsheets, CSV files and document tables answered from their cells, exactly,
with the sheet, rows and columns used; in the question's language."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy.orm import Session

from enterprise.documents.models import Document, ExtractedTable
from enterprise.finance.statements import statement_kind
from enterprise.lru import BoundedLRU
from enterprise.tables import repository
from enterprise.tables.frame import Column, DataTable, build
from enterprise.tables.lexicon import Operation, tokens
from enterprise.tables.query import TableResult, answer

# Documents whose tables are data a question can be computed over. A PDF's tables are read
# as financial statements (the facts) or as passages; their cells are too often misaligned
# for a sum over them to be trusted.
TABLE_FORMATS = frozenset({"csv", "xlsx", "docx", "json"})
# With few spreadsheets every table is tried; with more, those the search found first.
MAX_SCANNED_TABLES = 60
# A sheet above this many rows is searched as passages, not scanned for every question.
MAX_ANSWERED_ROWS = 100_000
TABLE_CACHE_SIZE = 128
MAX_CELLS_LISTED = 40
_LOCALES = {"es": "es_ES", "en": "en_US"}


@dataclass
class TableAnswer:
    document: Document
    page: int
    answer: str
    value: float
    unit: str | None
    location: str  # the sheet, rows and columns, for the citation
    cells: list[dict[str, Any]] = field(default_factory=list)


def answer_question(
    session: Session,
    enterprise_id: uuid.UUID,
    question: str,
    language: str,
    documents: list[Document],
    found_tables: Collection[uuid.UUID] = (),
) -> TableAnswer | None:
    """The one figure the tables give for the question, or None (no table explains it, or two
    give different figures)."""
    eligible = {d.id: d for d in documents if d.file_format in TABLE_FORMATS}
    if not eligible:
        return None
    stored = list(repository.tables_by_id(session, enterprise_id, found_tables, eligible.keys()))
    if len(stored) < MAX_SCANNED_TABLES:
        seen = {t.id for t in stored}
        more = repository.tables_of_documents(session, enterprise_id, eligible.keys(), MAX_SCANNED_TABLES)
        stored += [t for t in more if t.id not in seen][: MAX_SCANNED_TABLES - len(stored)]
    results: list[tuple[TableResult, Document]] = []
    for table in stored:
        if statement_kind(table.title):
            continue  # a statement's figures are answered from its facts, with their checks
        data = _data_table(table)
        document = eligible[table.document_id]
        result = answer(question, data, tokens(PurePath(document.filename).stem)) if data else None
        if result is not None:
            results.append((result, document))
    if not results:
        return None
    results.sort(key=lambda r: -r[0].explained)
    best, document = results[0]
    rivals = [r for r, _ in results[1:] if r.explained == best.explained and abs(r.value - best.value) > 1e-9]
    if rivals:
        return None  # two tables answer alike with different figures: which one is meant?
    return _render(best, document, language)


def _data_table(table: ExtractedTable) -> DataTable | None:
    if len(table.rows) > MAX_ANSWERED_ROWS:
        return None  # too large to scan per question; its rows are still searched as passages
    key = (table.id, table.updated_at)
    held = _cache.get(key)
    if held is not None:
        return held[0]
    built = _build(table)
    _cache.put(key, (built,))  # in a tuple: a table that builds to None is kept too
    return built


# Tables as data, built once per stored version: a sheet is typed and its cells' words read
# once, not for every question. Keyed by id and update time (a re-parse stores new rows).
_cache: BoundedLRU[tuple[uuid.UUID, object], tuple[DataTable | None]] = BoundedLRU(TABLE_CACHE_SIZE)


def _build(table: ExtractedTable) -> DataTable | None:
    return build(
        table.id,
        table.document_id,
        table.page,
        table.title,
        table.scale,
        table.currency,
        list(table.header),
        [list(r) for r in table.rows],
        [list(v) for v in table.values],
    )


def number(value: float, language: str, decimals: int = 2) -> str:
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=_LOCALES.get(language, "en_US")))


_WORDS = {
    "en": {
        Operation.SUM: "Sum of {m}",
        Operation.AVERAGE: "Average of {m}",
        Operation.MAXIMUM: "Highest {m}",
        Operation.MINIMUM: "Lowest {m}",
        Operation.COUNT: "Number of rows",
        Operation.GROWTH: "Growth of {m}",
        Operation.DIFFERENCE: "Difference in {m}",
        "where": "where",
        "is": "is",
        "one_of": "is one of",
        "and": "and",
        "above": "above",
        "below": "below",
        "from": "from {a} to {b}",
        "rows": "rows",
        "row": "row",
        "columns": "columns",
        "of": "of",
        "group_max": "{label} had the highest {m}",
        "group_min": "{label} had the lowest {m}",
        "minus": "{a} minus {b}",
        "implied": "(the sum of the {n} rows that match)",
        "table": "table",
        "sheet": "sheet",
    },
    "es": {
        Operation.SUM: "Suma de {m}",
        Operation.AVERAGE: "Promedio de {m}",
        Operation.MAXIMUM: "Máximo de {m}",
        Operation.MINIMUM: "Mínimo de {m}",
        Operation.COUNT: "Número de filas",
        Operation.GROWTH: "Crecimiento de {m}",
        Operation.DIFFERENCE: "Diferencia de {m}",
        "where": "donde",
        "is": "es",
        "one_of": "es uno de",
        "and": "y",
        "above": "mayor que",
        "below": "menor que",
        "from": "de {a} a {b}",
        "rows": "filas",
        "row": "fila",
        "columns": "columnas",
        "of": "de",
        "group_max": "{label} tuvo el mayor valor de {m}",
        "group_min": "{label} tuvo el menor valor de {m}",
        "minus": "{a} menos {b}",
        "implied": "(la suma de las {n} filas que cumplen)",
        "table": "tabla",
        "sheet": "hoja",
    },
}


def _render(result: TableResult, document: Document, language: str) -> TableAnswer:
    words = _WORDS["es" if language == "es" else "en"]
    measure = result.measures[0].name if result.measures else ""
    head = _head(result, words, measure)
    conditions = _conditions(result, words, language)
    figure = _figure(result.value, result.unit, language)
    text = f"{head}{(' ' + conditions) if conditions else ''}: {figure}"
    if result.implied_sum:
        text += " " + words["implied"].format(n=len(result.rows))
    location = _location(result, words, document)
    text += f". [{location}]"
    return TableAnswer(
        document, result.table.page, text, _rounded(result), result.unit, location, _cells(result, document)
    )


def _head(result: TableResult, words: dict[Any, str], measure: str) -> str:
    if result.group_label is not None:
        key = "group_max" if result.operation == Operation.MAXIMUM else "group_min"
        return words[key].format(label=result.group_label, m=measure)
    if result.operation == Operation.DIFFERENCE and len(result.measures) == 2:
        return words["minus"].format(a=result.measures[0].name, b=result.measures[1].name)
    if result.operation is None or result.implied_sum:
        return measure
    return words[result.operation].format(m=measure)


def _conditions(result: TableResult, words: dict[Any, str], language: str) -> str:
    parts = []
    for column, values in result.filters:
        shown = [_period_name(v, language) for v in values]
        relation = words["is"] if len(shown) == 1 else words["one_of"]
        parts.append(f"{column.name} {relation} {', '.join(shown)}")
    if result.threshold is not None and result.measures:
        relation = words["above"] if result.threshold.above else words["below"]
        parts.append(f"{result.measures[0].name} {relation} {number(result.threshold.value, language)}")
    joiner = f" {words['and']} "
    text = f"{words['where']} {joiner.join(parts)}" if parts else ""
    if result.compared:
        a, b = (_period_name(p, language) for p in result.compared)
        text = f"{words['from'].format(a=a, b=b)} {text}".strip()
    if result.group is not None:
        text = f"({result.group.name}{', ' + text if text else ''})"
    return text


_PERIOD_NAMES = {
    "en": {"quarter": "Q{n}", "half": "H{n}", "month": "month {n}"},
    "es": {"quarter": "{n}T", "half": "{n}S", "month": "mes {n}"},
}


def _period_name(value: str, language: str) -> str:
    kind, _, n = value.partition(":")
    names = _PERIOD_NAMES["es" if language == "es" else "en"]
    return names[kind].format(n=n) if kind in names and n.isdigit() else value


def _figure(value: float, unit: str | None, language: str) -> str:
    if unit == "%":
        return f"{number(value, language)} %" if language == "es" else f"{number(value, language)}%"
    return f"{number(value, language)} {unit}" if unit else number(value, language)


def _rounded(result: TableResult) -> float:
    """A computed percentage or average to two decimals; a sum or a cell as it is."""
    if result.unit == "%" or result.operation == Operation.AVERAGE:
        return round(result.value, 2)
    return result.value


def _location(result: TableResult, words: dict[Any, str], document: Document) -> str:
    table = result.table
    where = f"{document.filename}"
    sheet = table.title.split(" · ")[0]
    if document.file_format == "xlsx":
        where += f", {words['sheet']} {sheet}"
    elif document.file_format == "docx":
        where += f", {words['table']} «{sheet}»"
    rows = [r + 1 for r in result.rows]
    shown = ", ".join(str(r) for r in rows[:MAX_CELLS_LISTED]) + ("…" if len(rows) > MAX_CELLS_LISTED else "")
    label = words["row"] if len(rows) == 1 else words["rows"]
    columns = _used_columns(result)
    return f"{where}; {label} {shown}; {words['columns']} {', '.join(c.name for c in columns)}"


def _used_columns(result: TableResult) -> list[Column]:
    columns = [*result.measures, *(c for c, _ in result.filters)]
    if result.group is not None:
        columns.append(result.group)
    return list({c.index: c for c in columns}.values())


def _cells(result: TableResult, document: Document) -> list[dict[str, Any]]:
    """Every cell the figure was computed from: its row (1-based, under the header) and column."""
    frame = result.table.frame
    cells = []
    for row in result.rows[:MAX_CELLS_LISTED]:
        for column in result.measures:
            value = frame.iloc[row][f"c{column.index}"]
            cells.append(
                {
                    "document_id": str(document.id),
                    "filename": document.filename,
                    "page": result.table.page,
                    "table": result.table.title.split(" · ")[0],
                    "row": row + 1,
                    "column": column.name,
                    "value": None if value != value else float(value),  # NaN is not a value
                }
            )
    return cells
