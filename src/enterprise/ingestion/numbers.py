"""Numbers as printed in financial tables, read into floats."""

from __future__ import annotations

import re

_EMPTY = {"", "-", "—", "–", "−", "n/a", "na", "nm", "*", "—%", "-%"}
_NUMBER = re.compile(r"^\(?-?\$?\s*\(?[-−–]?\d[\d,]*(?:\.\d+)?\)?%?\)?$")
_SCALE = re.compile(
    r"\b(?:in|amounts in|dollars in|expressed in)\s+(thousands|millions|billions)\b"
    r"|\(\s*(thousands|millions|billions)\b",
    re.IGNORECASE,
)
SCALE_FACTORS = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}


def parse_number(cell: str | None) -> float | None:
    """`(1,234)` is -1234, `—` is None, `$ 12.5` is 12.5, `37.8%` is 37.8; text is None."""
    if cell is None:
        return None
    text = " ".join(cell.split()).replace("$", "").replace(" ", "").strip()
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


def detect_scale(text: str) -> str | None:
    """'millions' for a heading like "(In millions, except per share amounts)"."""
    match = _SCALE.search(text)
    return (match.group(1) or match.group(2)).lower() if match else None
