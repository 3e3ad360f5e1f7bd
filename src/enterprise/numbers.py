"""Numbers as printed in financial tables, read into floats."""

from __future__ import annotations

import re
from collections.abc import Iterable

_EMPTY = {"", "-", "—", "–", "−", "n/a", "na", "nm", "*", "—%", "-%"}
_NUMBER = re.compile(r"^\(?-?\$?\s*\(?[-−–]?\d[\d,]*(?:\.\d+)?\)?%?\)?$")
_SCALE = re.compile(
    r"\b(?:in|amounts in|dollars in|expressed in)\s+(thousands|millions|billions)\b"
    r"|\(\s*(thousands|millions|billions)\b"
    # Spanish titles: "(en miles de euros)", "cifras expresadas en millones de pesos", "miles de €".
    r"|\b(?:en\s+)?(miles|millones|miles\s+de\s+millones)\s+de\s+(?:euros|pesos|d[oó]lares|soles|€|\$|[A-Z]{3}\b)",
    re.IGNORECASE,
)
SCALE_FACTORS = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}
_SPANISH_SCALE = {"miles": "thousands", "millones": "millions", "miles de millones": "billions"}
# A currency named in a title or heading: the symbol, the ISO code or the word, in English or Spanish.
_CURRENCIES = [
    ("EUR", re.compile(r"€|\beur\b|\beuros?\b", re.IGNORECASE)),
    ("GBP", re.compile(r"£|\bgbp\b|\bpounds? sterling\b|\blibras?\b", re.IGNORECASE)),
    ("MXN", re.compile(r"\bmxn\b|\bpesos mexicanos\b", re.IGNORECASE)),
    ("COP", re.compile(r"\bcop\b|\bpesos colombianos\b", re.IGNORECASE)),
    ("CLP", re.compile(r"\bclp\b|\bpesos chilenos\b", re.IGNORECASE)),
    ("ARS", re.compile(r"\bars\b|\bpesos argentinos\b", re.IGNORECASE)),
    ("PEN", re.compile(r"\bpen\b|\bsoles\b", re.IGNORECASE)),
    ("USD", re.compile(r"\$|\busd\b|\bdollars?\b|\bd[oó]lares\b", re.IGNORECASE)),
]


def parse_number(cell: str | None, decimal_comma: bool = False) -> float | None:
    """`(1,234)` is -1234, `—` is None, `$ 12.5` is 12.5, `37.8%` is 37.8; text is None.
    With `decimal_comma` (Spanish and most of Europe) `1.234,5` is 1234.5 and `12,5 %` is 12.5."""
    if cell is None:
        return None
    text = " ".join(cell.split()).replace("$", "").replace("€", "").replace("£", "").replace(" ", "").strip()
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    if text.lower() in _EMPTY:
        return None
    text = text.replace("−", "-").replace("–", "-")
    if not _NUMBER.match(text):
        return None
    negative = text.startswith("(") or text.startswith("-") or (text.endswith(")") and "(" in text)
    digits = text.strip("()%-").replace(",", "").lstrip("-")
    try:
        value = float(digits)
    except ValueError:
        return None
    return -value if negative else value


_SPANISH_WRITTEN = re.compile(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d{1,2}")


def parse_written_number(text: str) -> float | None:
    """A number as a person types it in either convention: "1.200.000" and "1,200,000" are both
    1200000; "12,5" is 12.5; "1.250" (three digits after one dot) is 1250, as Spanish groups it."""
    return parse_number(text, decimal_comma=_SPANISH_WRITTEN.fullmatch(text) is not None)


def detect_scale(text: str) -> str | None:
    """'millions' for a heading like "(In millions, except per share amounts)"."""
    match = _SCALE.search(text)
    if match is None:
        return None
    if match.group(3):
        return _SPANISH_SCALE[" ".join(match.group(3).lower().split())]
    return (match.group(1) or match.group(2)).lower()


def scale_currency(text: str) -> str | None:
    """The currency a scale phrase names ("(en miles de euros)", "in millions of euros"): a
    statement page's own words for its unit, not a currency its text happens to mention."""
    match = _SCALE.search(text)
    if match is None:
        return None
    return detect_currency(text[match.start() : match.end() + 30].split("\n")[0])


def detect_currency(text: str) -> str | None:
    """The ISO code of the currency a title or heading names ("(en miles de euros)" is EUR)."""
    for code, pattern in _CURRENCIES:
        if pattern.search(text):
            return code
    return None


# Cells that can be read only one way: "12,5", "1.234.567", "1.234,5" are written with a decimal
# comma; "12.5", "1,234,567", "1,234.5" with a decimal point. "1.250" or "1,250" alone could be either.
_ONLY_COMMA_DECIMAL = re.compile(r"(?<![\d.,])(\d+,\d{1,2}|\d{1,3}(\.\d{3}){2,}|\d{1,3}(\.\d{3})+,\d+)(?![\d.,])")
_ONLY_DOT_DECIMAL = re.compile(r"(?<![\d.,])(\d+\.\d{1,2}|\d{1,3}(,\d{3}){2,}|\d{1,3}(,\d{3})+\.\d+)(?![\d.,])")


def writes_decimal_comma(cells: Iterable[str]) -> bool:
    """Whether a table writes its numbers with a decimal comma, by the cells that say so."""
    comma = dot = 0
    for cell in cells:
        comma += bool(_ONLY_COMMA_DECIMAL.search(cell))
        dot += bool(_ONLY_DOT_DECIMAL.search(cell))
    return comma > dot


def _column_decimal_comma(rows: list[list[str]], table_comma: bool) -> list[bool]:
    """Each column's number format by its own unambiguous cells, else the table's: a column of
    "1.250" reads as the rest of the table is written."""
    width = max((len(r) for r in rows), default=0)
    formats: list[bool] = []
    for index in range(width):
        cells = [row[index] for row in rows if index < len(row)]
        comma = sum(bool(_ONLY_COMMA_DECIMAL.search(c)) for c in cells)
        dot = sum(bool(_ONLY_DOT_DECIMAL.search(c)) for c in cells)
        formats.append(comma > dot if comma != dot else table_comma)
    return formats


def parse_row_numbers(
    rows: list[list[str]], skip_first: bool = True, decimal_comma_language: bool = False
) -> list[list[float | None]]:
    """Every cell of a table's rows as a number (or None), in each column's own number format.
    A table none of whose cells tells ("48.250", "(31.120)") is read as its language writes
    numbers: `decimal_comma_language` for a Spanish page or sheet."""
    cells = [cell for row in rows for cell in (row[1:] if skip_first else row)]
    told = any(_ONLY_COMMA_DECIMAL.search(c) or _ONLY_DOT_DECIMAL.search(c) for c in cells)
    comma = writes_decimal_comma(cells) if told else decimal_comma_language
    formats = _column_decimal_comma(rows, comma)
    values: list[list[float | None]] = []
    for row in rows:
        parsed = [parse_number(cell, formats[i]) for i, cell in enumerate(row)]
        values.append([None, *parsed[1:]] if skip_first else parsed)
    return values
