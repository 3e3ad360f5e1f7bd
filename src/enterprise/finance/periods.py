"""The fiscal year a printed period belongs to.

A fiscal year is named by the calendar year it ends in ("Year ended June 30, 2023" is fiscal
2023; Walmart's "January 31, 2020" is fiscal 2020), except for the 52/53-week years that end
in the first days of January: "Year ended January 1, 2023" is fiscal 2022, as the filer
itself calls it.
"""

from __future__ import annotations

import re

from enterprise.text import YEAR_DIGITS, years_in

# A year as a question names it ("FY2018", "fiscal year 2018", "año 2018"), not an amount ("$2,019").
FISCAL_PREFIX = r"(?:fy\s*'?|fiscal\s+(?:year\s+)?|año\s+(?:fiscal\s+)?|ejercicio\s+)?"
NAMED_YEAR = re.compile(rf"(?<![\d$.,]){FISCAL_PREFIX}({YEAR_DIGITS})(?!\d|[.,]\d)", re.IGNORECASE)
SHORT_FISCAL_YEAR = re.compile(r"\bfy\s*'?(\d\d)\b", re.IGNORECASE)
_EARLY_JANUARY = re.compile(
    rf"\b(?:jan(?:uary)?\.?|enero)\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?:de\s+)?(?P<year>{YEAR_DIGITS})\b"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?:de\s+)?(?:jan(?:uary)?|enero)\.?,?\s*(?:de\s+)?(?P<year2>{YEAR_DIGITS})\b",
    re.IGNORECASE,
)
EARLY_JANUARY_DAYS = 7


def fiscal_year_of(text: str) -> int | None:
    """The fiscal year of the last period the text names, or None when it names no year."""
    years = years_in(text)
    if not years:
        return None
    last = years[-1]
    for match in _EARLY_JANUARY.finditer(text):
        day = int(match.group("day") or match.group("day2"))
        year = int(match.group("year") or match.group("year2"))
        if year == last and day <= EARLY_JANUARY_DAYS:
            return last - 1
    return last


def named_years(text: str) -> list[int]:
    """The years a question names, in order: "FY2019 sales vs fiscal 2018" is [2018, 2019];
    "$2,019 million" names none."""
    years = {int(y) for y in NAMED_YEAR.findall(text)}
    years |= {2000 + int(y) for y in SHORT_FISCAL_YEAR.findall(text)}
    return sorted(years)


# A quarterly report's column whose length its heading does not print, and its balance sheet's
# columns: labels the statement reader gives them, so neither answers for a fiscal year.
UNSTATED_LENGTH = "Period of unstated length"
INTERIM_BALANCE = "Interim balance"

_DURATION = re.compile(
    r"\b(?P<n>three|six|nine|twelve|thirteen|twenty[- ]six|thirty[- ]nine|fifty[- ]two|fifty[- ]three|"
    r"tres|seis|nueve|doce|\d{1,2})[- ](?P<unit>months?|weeks?|meses|semanas)\b"
    # A quarter or a half however a column heads it: "Quarter", "Q2 2024", "2T 2024", "2º trimestre", "1S", "H1".
    r"|\b(?P<quarter>quarter|trimestre|q[1-4]|[1-4]q|t[1-4]|[1-4]t)\b|\b(?P<half>semestre|h[12]|[12]h|s[12]|[12]s)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "three": 3, "six": 6, "nine": 9, "twelve": 12, "thirteen": 13, "twenty six": 26, "thirty nine": 39,
    "fifty two": 52, "fifty three": 53, "tres": 3, "seis": 6, "nueve": 9, "doce": 12,
}  # fmt: skip


def period_months(period_label: str | None) -> int | None:
    """The length in months of the period a column covers ("Three Months Ended ..." is 3,
    "26 Weeks Ended" is 6); None when the label names none (a year, or a balance date)."""
    if (period_label or "").startswith(UNSTATED_LENGTH):
        return 0  # a quarterly report's column of unknown length: neither a year nor a quarter
    match = _DURATION.search(period_label or "")
    if match is None:
        return None
    if match.group("quarter"):
        return 3
    if match.group("half"):
        return 6
    word = match.group("n").lower().replace("-", " ")
    count = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    return count if match.group("unit").lower().startswith(("month", "mes")) else round(count / 13) * 3
