"""Text helpers shared by routing, facts questions, tables and extraction: one of each.

A leaf: it imports nothing of ours, so every domain may use it.
"""

from __future__ import annotations

import re
import unicodedata

# A calendar year as documents print it: "2023", "FY2023", "December 31, 2023"; never "12023".
YEAR_DIGITS = r"(?:19|20)\d\d"
PRINTED_YEAR = re.compile(rf"(?<!\d)({YEAR_DIGITS})(?!\d)")
_WHOLE_YEAR = re.compile(YEAR_DIGITS)

# Months by every name our two languages give them: English, Spanish, then the other spellings.
_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("january", "enero", "jan", "ene"),
    ("february", "febrero", "feb"),
    ("march", "marzo", "mar"),
    ("april", "abril", "apr", "abr"),
    ("may", "mayo"),
    ("june", "junio", "jun"),
    ("july", "julio", "jul"),
    ("august", "agosto", "aug", "ago"),
    ("september", "septiembre", "setiembre", "sep", "sept"),
    ("october", "octubre", "oct"),
    ("november", "noviembre", "nov"),
    ("december", "diciembre", "dec", "dic"),
)
MONTHS: dict[str, int] = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
# Any of them as a regular expression, the longest first ("september" before "sep").
MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))
# The English and Spanish names only: an abbreviation ("mar", "dic") is also a word of its own.
FULL_MONTH_NAMES: frozenset[str] = frozenset(name for names in _MONTH_NAMES for name in names[:2])

# The parts of a file name that say what kind of filing it is, not whose ("APPLE_2019_10K.pdf").
_FILING_WORD = re.compile(r"10-?k|10-?q|annual|report|informe|\d+", re.IGNORECASE)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]+$")
_NAME_SEPARATORS = re.compile(r"[_\s.-]+")


def fold_accents(text: str) -> str:
    """Lower case without accents: "Cuánto" and "cuanto", "retención" and "retencion" are one word."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered  # most of a filing: nothing to fold, and no per-character work
    return "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))


def is_year(word: str) -> bool:
    """True for a word that is a year and nothing else: "2023", not "$2,023" or "20230"."""
    return _WHOLE_YEAR.fullmatch(word) is not None


def years_in(text: str) -> list[int]:
    """Every year the text prints, in order."""
    return [int(year) for year in PRINTED_YEAR.findall(text)]


def month_number(word: str) -> int | None:
    """1 for "January", "enero", "Jan." or "ene"; None for any other word."""
    return MONTHS.get(fold_accents(word).rstrip("."))


def file_stem(filename: str) -> str:
    """The name without its extension: "APPLE_2019_10K" of "APPLE_2019_10K.pdf"."""
    return _EXTENSION.sub("", filename)


def is_filing_word(part: str) -> bool:
    """A part of a file name that names the kind of filing or a number, not the company."""
    return _FILING_WORD.fullmatch(part) is not None


def file_name_parts(filename: str) -> list[str]:
    """The words of a file name without its extension, split at underscores, spaces, dots and hyphens."""
    return [part for part in _NAME_SEPARATORS.split(file_stem(filename)) if part]
