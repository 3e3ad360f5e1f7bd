"""The fiscal year a printed period belongs to.

A fiscal year is named by the calendar year it ends in ("Year ended June 30, 2023" is fiscal
2023; Walmart's "January 31, 2020" is fiscal 2020), except for the 52/53-week years that end
in the first days of January: "Year ended January 1, 2023" is fiscal 2022, as the filer
itself calls it.
"""

from __future__ import annotations

import re

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_EARLY_JANUARY = re.compile(
    r"\b(?:jan(?:uary)?\.?|enero)\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s*(?:de\s+)?(?P<year>(?:19|20)\d\d)\b"
    r"|\b(?P<day2>\d{1,2})\s+(?:de\s+)?(?:jan(?:uary)?|enero)\.?,?\s*(?:de\s+)?(?P<year2>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
EARLY_JANUARY_DAYS = 7


def fiscal_year_of(text: str) -> int | None:
    """The fiscal year of the last period the text names, or None when it names no year."""
    years = _YEAR.findall(text)
    if not years:
        return None
    last = int(years[-1])
    for match in _EARLY_JANUARY.finditer(text):
        day = int(match.group("day") or match.group("day2"))
        year = int(match.group("year") or match.group("year2"))
        if year == last and day <= EARLY_JANUARY_DAYS:
            return last - 1
    return last
