"""The figure a sentence gives for what was asked.

"150 euros por noche en ciudades nacionales y 220 euros por noche en el extranjero": asked about
"el extranjero", the figure is 220 EUR. A sentence is cut into clauses at commas, semicolons and
"and"/"y"; each figure belongs to its clause; the question's words that only some clauses hold
decide which. Figures carry their unit: a currency (symbol or word, English or Spanish), a scale
("millones", "million"), a percentage, or a duration ("días", "months").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from enterprise.numbers import detect_currency, parse_number
from enterprise.text import MONTH_NAME, YEAR_DIGITS, is_year

_FIGURE = re.compile(
    r"(?P<currency>[$€£])?\s?(?P<number>\(?\d[\d.,]*\d\)?|\d)\s?(?P<percent>%|\s?por\s?ciento\b|\s?percent\b)?"
    r"(?:\s*(?P<scale>mil\s+millones|miles\s+de\s+millones|thousand|million|billion|trillion|mil|millones|mill[oó]n)"
    r"(?:e?s)?\b)?"
    r"(?:\s*(?:de\s+)?(?P<word>euros?|d[oó]lares|dollars?|pesos|libras|pounds|EUR|USD|GBP|MXN)\b)?"
    r"(?:\s*(?P<period>d[ií]as|days?|meses|months?|a[nñ]os|years?|semanas|weeks?|horas|hours?)\b)?",
    re.IGNORECASE,
)
_DATE = re.compile(
    rf"\b(?:{MONTH_NAME})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{YEAR_DIGITS}"
    rf"|\b\d{{1,2}}\s+de\s+(?:{MONTH_NAME})\s+(?:de|del)\s+{YEAR_DIGITS}"
    rf"|\b\d{{1,2}}[/.-]\d{{1,2}}[/.-]{YEAR_DIGITS}\b",
    re.IGNORECASE,
)
# Where a sentence's clauses part: "…, …", "…; …", "… y …", "… and …", "…, while …".
_CLAUSE_BREAK = re.compile(r"[;,]\s+|\s+(?:y|e|and|while|whereas|mientras que|frente a|compared with|versus)\s+")
_SCALES = {
    "thousand": "thousands",
    "mil": "thousands",
    "million": "millions",
    "millon": "millions",
    "millón": "millions",
    "millones": "millions",
    "billion": "billions",
    "mil millones": "billions",
    "miles de millones": "billions",
    "trillion": "trillions",
}
_PERIODS = {"dia": "days", "día": "days", "day": "days", "mes": "months", "month": "months", "ano": "years"}
_PERIODS |= {"año": "years", "year": "years", "semana": "weeks", "week": "weeks", "hora": "hours", "hour": "hours"}


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str | None
    start: int
    end: int


# "kpis › tasa retencion clientes pct: 87.5": a field whose name gives its value's unit.
_FIELD = re.compile(r"^(?P<key>[^:]{1,200}):\s*(?P<value>-?\d[\d.,]*)\s*$")
_KEY_UNITS = [
    ("%", re.compile(r"\b(pct|percent(age)?|porcentaje|tasa|rate|ratio %)\b|%", re.IGNORECASE)),
    ("EUR", re.compile(r"\b(eur|euros?)\b|€", re.IGNORECASE)),
    ("USD", re.compile(r"\b(usd|dollars?|d[oó]lares)\b|\$", re.IGNORECASE)),
    ("days", re.compile(r"\b(d[ií]as|days)\b", re.IGNORECASE)),
    ("months", re.compile(r"\b(meses|months)\b", re.IGNORECASE)),
]


def figures_in(sentence: str, decimal_comma: bool) -> list[Figure]:
    """Every figure of a sentence with its unit; years and the numbers of dates are not figures."""
    if field := _FIELD.match(sentence.strip()):
        value = parse_number(field.group("value"), decimal_comma)
        unit = next((u for u, pattern in _KEY_UNITS if pattern.search(field.group("key"))), None)
        start = sentence.index(field.group("value"))
        return [] if value is None else [Figure(value, unit, start, start + len(field.group("value")))]
    blanked = _DATE.sub(lambda m: " " * len(m.group(0)), sentence)
    found: list[Figure] = []
    for match in _FIGURE.finditer(blanked):
        digits = match.group("number").strip("()")
        if is_year(digits) and not match.group("currency") and not match.group("word"):
            continue
        value = parse_number(match.group("number").rstrip(".,"), decimal_comma)
        if value is None:
            continue
        start = match.start("currency") if match.group("currency") else match.start("number")
        found.append(Figure(value, _unit(match), start, match.end()))
    return found


def _unit(match: re.Match[str]) -> str | None:
    if match.group("percent"):
        return "%"
    if period := match.group("period"):
        return _PERIODS.get(_singular(period.lower()))
    currency = detect_currency(" ".join(filter(None, (match.group("currency"), match.group("word")))))
    scale = _SCALES.get(" ".join((match.group("scale") or "").lower().split()))
    return " ".join(part for part in (currency, scale) if part) or None


def _singular(word: str) -> str:
    for ending in ("es", "s"):
        if word.endswith(ending) and word[: -len(ending)] in _PERIODS:
            return word[: -len(ending)]
    return word


def clauses(sentence: str) -> list[tuple[int, int]]:
    """The spans of a sentence's clauses."""
    spans, start = [], 0
    for match in _CLAUSE_BREAK.finditer(sentence):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(sentence)))
    return spans


def figure_for(
    sentence: str,
    asked_terms: set[str],
    terms_of: Callable[[str], Sequence[str]],
    decimal_comma: bool,
    wanted_unit: Callable[[str | None], bool] | None = None,
) -> Figure | None:
    """The one figure of `sentence` that the question's words point at, or None.

    `terms_of` gives a text's comparable terms (stemmed as the question's were); `wanted_unit`
    says whether a figure's unit is of the kind asked (an amount, a percentage, days)."""
    figures = [f for f in figures_in(sentence, decimal_comma) if wanted_unit is None or wanted_unit(f.unit)]
    # "…del 2 % del valor del pedido, hasta un máximo del 10 %": the cap qualifies the figure before it.
    figures = [f for f in figures if not _qualifies(sentence, f)] or figures
    if len({(f.value, f.unit) for f in figures}) <= 1:
        return figures[0] if figures else None
    spans = clauses(sentence)
    # What precedes the first figure is the subject of them all ("El límite de hotel es de 150
    # euros … y 220 euros …"): it counts for every clause, so it tells none apart.
    subject = set(terms_of(sentence[: figures[0].start]))
    clause_terms = [set(terms_of(sentence[max(a, figures[0].start) : b])) | subject for a, b in spans]
    # Words in every clause ("noche", "euros") tell none of them apart.
    shared = set.intersection(*clause_terms) if clause_terms else set()
    scores: dict[int, int] = {}
    own_words: dict[int, set[str]] = {}
    for index, figure in enumerate(figures):
        clause = next((i for i, (a, b) in enumerate(spans) if a <= figure.start < b), None)
        if clause is None:
            continue
        distinct = {t for t in clause_terms[clause] - shared if not _is_figure_word(t)}
        scores[index], own_words[index] = len(distinct & asked_terms), distinct
    if not scores:
        return None
    best = max(scores.values())
    if best == 0:
        # No clause names more of the question than the others: the figure whose clause adds
        # nothing to the sentence's subject is the subject's own ("El EBITDA fue de 1,1 millones
        # de euros y el margen EBITDA se situó en el 12,8 %"), when there is exactly one.
        bare = [i for i in scores if not own_words[i]]
        return figures[bare[0]] if len(bare) == 1 else None
    winners = {(figures[i].value, figures[i].unit) for i, s in scores.items() if s == best}
    if len(winners) != 1:
        return None  # two clauses are as much about the question: which one?
    return next(figures[i] for i, s in scores.items() if s == best)


_QUALIFIER = re.compile(
    r"\b(hasta(\s+un)?\s+m[aá]ximo|como\s+m[aá]ximo|con\s+un\s+(m[aá]ximo|tope|l[ií]mite)|sin\s+(superar|exceder)|"
    r"up\s+to(\s+a)?(\s+maximum)?|capped|at\s+most|not\s+(to\s+)?exceed(ing)?|with\s+a\s+(maximum|cap)|"
    r"a\s+maximum)\b(\s+(of|de|del))?\s*$",
    re.IGNORECASE,
)


# "…de 24 meses, prorrogable por periodos de 12 meses": a clause that extends or excepts the figure before it.
_EXTENSION = re.compile(
    r"^\s*(prorrogables?|renovables?|ampliables?|extensibles?|renewable|extendable|extendible|salvo|excepto|"
    r"except|unless|renewed|extended)\b",
    re.IGNORECASE,
)


def _qualifies(sentence: str, figure: Figure) -> bool:
    """A cap, floor or extension of another figure of the sentence: "hasta un máximo del 10 %",
    "up to $5", "prorrogable por periodos de 12 meses"."""
    if _QUALIFIER.search(sentence[max(0, figure.start - 40) : figure.start]):
        return True
    clause = next(((a, b) for a, b in clauses(sentence) if a <= figure.start < b), None)
    return clause is not None and bool(_EXTENSION.match(sentence[clause[0] : figure.start]))


_FIGURE_WORDS = re.compile(
    r"^(\d[\d.,]*|euros?|eur|usd|dolar\w*|dollar\w*|million\w*|millon\w*|mil|thousand\w*|billion\w*|%|percent\w*)$"
)


def _is_figure_word(term: str) -> bool:
    """The number itself and its unit say nothing of what the figure is."""
    return bool(_FIGURE_WORDS.match(term))
