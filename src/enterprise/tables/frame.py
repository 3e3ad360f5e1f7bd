"""A stored table as typed data: label columns and number columns in a pandas frame, each
column's words, unit and the periods its cells name."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from enterprise.numbers import detect_currency
from enterprise.tables.lexicon import tokens

# A number column: most of its filled cells read as numbers.
NUMERIC_SHARE = 0.8
_PERCENT = re.compile(r"%|\bpercent\b|\bporcentaje\b|\bpct\b", re.IGNORECASE)
_CURRENCY_SYMBOL = {"€": "EUR", "$": "USD", "£": "GBP"}
_CURRENCY_WORD = re.compile(r"\b(eur|euros?|usd|d[oó]lares|dollars?|gbp|mxn|cop|clp|ars|pen)\b", re.IGNORECASE)
_CODE = {
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "usd": "USD",
    "dolares": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "gbp": "GBP",
    "mxn": "MXN",
    "cop": "COP",
    "clp": "CLP",
    "ars": "ARS",
    "pen": "PEN",
}


class ColumnKind(enum.StrEnum):
    LABEL = "label"
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    index: int
    name: str
    kind: ColumnKind
    words: frozenset[str]
    unit: str | None  # "EUR", "%", or None for a count


@dataclass
class DataTable:
    """One sheet, CSV or document table, with where it came from."""

    key: object  # the stored table's id
    document_id: object
    page: int
    title: str
    scale: str | None
    currency: str | None
    columns: list[Column]
    frame: pd.DataFrame  # one column per table column, numbers as floats, labels as text
    cell_words: list[list[frozenset[str]]] = field(default_factory=list)  # per row, per column

    @property
    def number_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == ColumnKind.NUMBER]

    @property
    def label_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == ColumnKind.LABEL]

    def unit_of(self, column: Column) -> str | None:
        """A money column's unit with the table's scale: "EUR thousands"."""
        if column.unit in {None, "%"}:
            return column.unit
        return f"{column.unit} {self.scale}" if self.scale else column.unit


def build(
    key: object,
    document_id: object,
    page: int,
    title: str,
    scale: str | None,
    currency: str | None,
    header: list[str],
    rows: list[list[str]],
    values: list[list[float | None]],
) -> DataTable | None:
    if not rows or not header:
        return None
    width = len(header)
    columns: list[Column] = []
    data: dict[str, list[Any]] = {}
    for index in range(width):
        cells = [row[index] if index < len(row) else "" for row in rows]
        numbers = [v[index] if index < len(v) else None for v in values]
        filled = [c for c in cells if c.strip()]
        numeric = bool(filled) and sum(n is not None for n in numbers) >= NUMERIC_SHARE * len(filled)
        name = header[index].strip() or f"#{index + 1}"
        kind = ColumnKind.NUMBER if numeric and not _is_period_label(filled) else ColumnKind.LABEL
        unit = _column_unit(name, filled, currency) if kind == ColumnKind.NUMBER else None
        columns.append(Column(index, name, kind, frozenset(tokens(name)), unit))
        data[f"c{index}"] = numbers if kind == ColumnKind.NUMBER else cells
    frame = pd.DataFrame(data)
    # Only label cells are matched against a question's words; a number cell has none to match.
    labels = {c.index for c in columns if c.kind == ColumnKind.LABEL}
    cell_words = [
        [frozenset(tokens(row[i])) if i in labels and i < len(row) else frozenset() for i in range(width)]
        for row in rows
    ]
    return DataTable(key, document_id, page, title, scale, currency, columns, frame, cell_words)


def _is_period_label(cells: list[str]) -> bool:
    """A column of years ("2023", "2024") names periods; it is not summed."""
    return all(re.fullmatch(r"(19|20)\d\d", c.strip()) for c in cells)


def _column_unit(name: str, cells: list[str], currency: str | None) -> str | None:
    if _PERCENT.search(name) or all("%" in c for c in cells):
        return "%"
    named = detect_currency(name) or (
        detect_currency(cells[0]) if cells and all(_has_symbol(c) for c in cells[:20]) else None
    )
    if named:
        return named
    if currency and _is_money(name):
        return currency
    return None


_MONEY = frozenset("sales revenue cost expense price profit amount budget actual margin discount tax".split())


def _has_symbol(cell: str) -> bool:
    return any(symbol in cell for symbol in "€$£")


def _is_money(name: str) -> bool:
    """A column named for an amount of money (sales, costs, price) in a table whose title names its currency."""
    return bool(_MONEY & set(tokens(name))) and not _PERCENT.search(name)
