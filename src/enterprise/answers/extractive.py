"""Answers without a language model: the sentences and table rows that best answer the
question, each with its page, and the number itself when the question asks for one."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from enterprise.answers.glossary import Translation
from enterprise.answers.hybrid import PageHit
from enterprise.answers.prose_figures import figure_for, figures_in
from enterprise.answers.text_match import (
    QuestionTerms,
    content_terms,
    question_terms,
    row_label,
    split_units,
    unit_score,
)
from enterprise.documents.models import Document
from enterprise.finance.periods import named_years
from enterprise.finance.questions import asked_scale
from enterprise.language import detect_language
from enterprise.numbers import detect_scale, parse_number, writes_decimal_comma
from enterprise.text import fold_accents

NOT_FOUND = {"en": "Not found in the documents.", "es": "No se encontró en los documentos."}
MAX_SUPPORTING = 3
# Below this a unit shares too little with the question to be called an answer.
MIN_MATCH = 0.34
# A figure is stated only from a row or sentence (with its table's title) that holds this share
# of the question's words, weighted by their rarity; otherwise the passage is shown without one.
VALUE_COVERAGE = 0.8
_RELATIVE_TABLE = re.compile(r"\b(change|changes|mix|growth|percent(age)?s?|rates?|share)\b|%", re.IGNORECASE)
SNIPPET_CHARS = 300
_NUMERIC_QUESTION = re.compile(
    r"\b(how\s+(much|many)|what\s+(percentage|share|portion|proportion|amount|ratio|rate)|in\s+(usd|\$|eur|dollars)|"
    r"(usd|eur)\s+(millions|thousands|billions)|cu[aá]nt[oa]s?|qu[eé]\s+porcentaje|monto|importe|"
    r"revenue|sales|income|earnings|eps|assets|liabilities|equity|cash|expenditures?|capex|dividends|debt|"
    r"margin|ratio|employees|ventas|ingresos|activos|pasivos|utilidad|deuda|empleados|"
    # Terms, prices and limits of contracts, policies and reports, in both languages.
    r"how\s+long|limit|l[ií]mite|price|precio|fee|tarifa|cuota|rate|tasa|term|plazo|vigencia|duration|duraci[oó]n|"
    r"notice|preaviso|penalty|penalizaci[oó]n|allowance|dietas?|per\s+diem|salary|salario|headcount|plantilla|"
    r"ebitda|backlog|cartera|ticket|nps|reimburs\w*|reembols\w*|budget|presupuesto|discount|descuento)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Citation:
    document: Document
    page: int
    snippet: str
    score: float


@dataclass
class Draft:
    answer: str
    value: float | None
    unit: str | None
    citations: list[Citation]
    found: bool
    notes: list[str] = field(default_factory=list)
    facts: list[dict[str, Any]] = field(default_factory=list)


# "Does it have…?", "Has it paid…?": answered by a passage, not by one of its figures.
_YES_NO_QUESTION = re.compile(
    r"^\W*(does|did|do|has|have|had|is|was|were|are|can|could|will|would|should|"
    r"tiene|tuvo|ha|hay|es|fue|existe|puede)\b",
    re.IGNORECASE,
)


def asks_for_number(question: str) -> bool:
    return bool(_NUMERIC_QUESTION.search(question)) and not _YES_NO_QUESTION.match(question)


@dataclass(frozen=True)
class _Unit:
    text: str
    score: float
    page_index: int
    heading: str
    # The file's name and the section the unit sits in ("7. Confidencialidad"): where it is,
    # which a question may name without the sentence repeating it.
    context: str = ""
    section: str = ""  # the heading of a contract's clause or a policy's part, shown with the unit


def _units(terms: QuestionTerms, pages: Sequence[PageHit], language: str) -> list[_Unit]:
    found: list[_Unit] = []
    for index, page in enumerate(pages):
        title = Path(page.document.filename).stem.replace("_", " ")
        named_file = _named_share(terms, title, language) if page.document.file_format != "pdf" else 0.0
        if page.document.company and (page.document.language or "en") != language:
            # "the company" of a question in another language is the document's own company,
            # which its text names in a word the question cannot share.
            title += " company"
        for passage in page.passages:
            lines = passage.chunk.text.split("\n", 1)
            heading = lines[0] if passage.chunk.table_id is not None else ""
            body = lines[1] if heading and len(lines) > 1 else passage.chunk.text
            section = _heading(passage.chunk.section, passage.chunk.is_statement)
            context = f"{title} {section}"
            # A clause headed "2. Vigencia" is about the term, whatever its sentences also mention.
            about = SECTION_WEIGHT * _section_match(terms, section, language) + FILE_NAME_WEIGHT * named_file
            for unit in split_units(body):
                score = unit_score(terms, unit, language)
                if score > 0:
                    # Earlier pages won the retrieval: a small prior keeps ties in their order.
                    found.append(_Unit(unit, score + about - 0.01 * index, index, heading, context, section))
    found.sort(key=lambda u: -u.score)
    return found


SECTION_WEIGHT = 0.4
# A spreadsheet's or a contract's file name is its title ("contrato_suministro"); a filing's is
# its company and year, which routing already reads.
FILE_NAME_WEIGHT = 0.3


def _has_figure(text: str) -> bool:
    return row_label(text) is not None or bool(figures_in(text, decimal_comma=False))


_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[ivxlc]+\.|[a-z]\))\s+", re.IGNORECASE)


def _heading(section: str, is_statement: bool) -> str:
    """A document's own heading ("7. Confidencialidad"); a statement's or a 10-K item's is not one to show."""
    if not section or is_statement or section.lower().startswith(("item ", "part ")):
        return ""
    return section


def _section_match(terms: QuestionTerms, section: str, language: str) -> float:
    """The share of a heading's words (its numbering aside) that the question names."""
    named = set(content_terms(_NUMBERING.sub("", section), language))
    if not named:
        return 0.0
    return len(terms.matching(named)) / len(named)


def _named_share(terms: QuestionTerms, text: str, language: str) -> float:
    """The share of the question's own weight that `text` names."""
    present = set(content_terms(text, language))
    return sum(terms.weights[t] for t in terms.credited(present)) / terms.total_weight


def extractive_answer(
    question: str,
    pages: Sequence[PageHit],
    language: str = "en",
    asked: str | None = None,
    translated: Sequence[Translation] = (),
    spelled: Sequence[tuple[str, str]] = (),
) -> Draft:
    """`question` is what is searched for; `asked`, the question as the user wrote it (its unit
    and whether it wants a number), when the two differ; `translated`, its terms in the other
    language, whose wording in a sentence counts as the question's own."""
    if not pages:
        return Draft(NOT_FOUND[language], None, None, [], found=False)
    texts = [p.chunk.text for page in pages for p in page.passages]
    pairs = [(t.source, t.target) for t in translated] + list(spelled)
    terms = question_terms(question, texts, language, pairs, asked if pairs else None)
    units = _units(terms, pages, language)
    if not units or (units[0].score < MIN_MATCH and not _names_a_phrase(terms, units[0].text, language)):
        return Draft(NOT_FOUND[language], None, None, [], found=False)
    chosen = _distinct(units)
    # Citations keep the retrieval's order (the reranker already weighed these same units).
    order = list(range(len(pages)))
    lines = [f"{_render(u)} [{u.page_index + 1}]" for u in chosen]
    asked = asked or question
    value, unit = (None, None)
    if asks_for_number(asked):
        # A heading above the figure ("Informe trimestral - segundo trimestre") may rank first:
        # the figure is in the best unit that has one.
        figured = next((u for u in chosen if _has_figure(u.text)), chosen[0])
        value, unit = _value(asked, figured, terms, language)
    best_snippets: dict[int, str] = {}
    for u in units:
        best_snippets.setdefault(u.page_index, u.text)
    citations = [
        Citation(
            pages[i].document,
            pages[i].page,
            snippet(best_snippets.get(i) or pages[i].passages[0].chunk.text),
            pages[i].score,
        )
        for i in order
    ]
    return Draft("\n".join(lines), value, unit, citations, found=True)


def _names_a_phrase(terms: QuestionTerms, unit: str, language: str) -> bool:
    """Two of the question's words side by side in the unit ("gross margin"): about the question
    even when a rare word of it ("drove") is nowhere in the filing."""
    unit_terms = content_terms(unit, language)
    return bool(terms.pairs & set(itertools.pairwise(unit_terms)))


def _distinct(units: list[_Unit]) -> list[_Unit]:
    chosen: list[_Unit] = []
    for unit in units:
        if unit.score < units[0].score * 0.6 or len(chosen) >= MAX_SUPPORTING:
            break
        if all(unit.text != c.text for c in chosen):
            chosen.append(unit)
    return chosen


def _render(unit: _Unit) -> str:
    text = f"{unit.section}: {unit.text}" if unit.section else unit.text
    if row_label(text) is not None and unit.heading:
        scale = detect_scale(unit.heading)
        text = f"{text.replace(' | ', '; ')}" + (f" (in {scale})" if scale else "")
    return text


def snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _value(question: str, unit: _Unit, terms: QuestionTerms, language: str) -> tuple[float | None, str | None]:
    """The figure of the best row or sentence, only when it says all the question asks about:
    a segment row for a segment question, not the company total beside it."""
    said = set(content_terms(f"{unit.heading} {unit.text} {unit.context}", language))
    covered = sum(terms.weights[t] for t in terms.credited(said)) / terms.total_weight
    if covered < VALUE_COVERAGE:
        return None, None
    if row_label(unit.text) is not None:
        value, found_unit = _row_value(question, unit)
    else:
        value, found_unit = _prose_value(question, unit.text, set(terms.terms), language)
    scale = asked_scale(question)
    if value is not None and scale is not None and not (found_unit or "").endswith(scale):
        return None, None  # asked in USD millions, found a percentage or a count: not its answer
    if value is not None and scale is not None and _RELATIVE_TABLE.search(_table_words(unit)):
        return None, None  # a table of changes or of a mix holds percentages, whatever the page's scale says
    return value, found_unit


# What the question asks for, by the kind of figure: "what percentage", "how many days".
_ASKS_PERCENT = re.compile(r"%|\bpercent(age)?\b|\bporcentaje\b|\bporcentual\b|\btasa\b|\brate\b", re.IGNORECASE)
_ASKS_PERIOD = re.compile(
    r"\b(?P<unit>d[ií]as|days|meses|months|a[nñ]os|years|semanas|weeks|horas|hours)\b", re.IGNORECASE
)
_PERIOD_UNITS = {"d": "days", "m": "months", "a": "years", "y": "years", "s": "weeks", "w": "weeks", "h": "hours"}


def _wanted_unit(question: str) -> Callable[[str | None], bool] | None:
    if _ASKS_PERCENT.search(question):
        return lambda unit: unit == "%"
    if period := _ASKS_PERIOD.search(question):
        wanted = _PERIOD_UNITS[fold_accents(period.group("unit"))[0]]
        return lambda unit: unit == wanted
    return None


def _prose_value(question: str, sentence: str, asked: set[str], language: str) -> tuple[float | None, str | None]:
    """The figure the sentence gives for what was asked: of several, the one whose clause holds
    the question's words that the others do not."""
    decimal_comma = _writes_decimal_comma(sentence)
    figure = figure_for(
        sentence, asked, lambda text: content_terms(text, language), decimal_comma, _wanted_unit(question)
    )
    return (figure.value, figure.unit) if figure else (None, None)


def _writes_decimal_comma(sentence: str) -> bool:
    """ "8,9 millones" and "420.000 euros" are Spanish numbers; a sentence that shows neither way
    is read in its own language's way."""
    numbers = re.findall(r"\d[\d.,]*\d", sentence)
    if writes_decimal_comma(numbers):
        return True
    if any(re.fullmatch(r"\d+\.\d{1,2}|\d{1,3}(,\d{3})+(\.\d+)?", n) for n in numbers):
        return False
    return detect_language(sentence) == "es"


def _table_words(unit: _Unit) -> str:
    """A row's table title, the title run into its label ("Sales Change By Segment: Health Care")
    and its column headings: what says whether its figures are amounts or percentages."""
    cells = unit.text.split(" | ")
    label_title = cells[0].rsplit(": ", 1)[0] if ": " in cells[0] else ""
    headings = [cell.rpartition(": ")[0] for cell in cells[1:]]
    return " ".join([unit.heading, label_title, *headings])


def _row_value(question: str, unit: _Unit) -> tuple[float | None, str | None]:
    cells = unit.text.split(" | ")[1:]
    years = [str(y) for y in named_years(question)]
    numeric: list[tuple[str, str]] = []
    for cell in cells:
        header, _, printed = cell.rpartition(": ")
        if parse_number(printed) is not None:
            numeric.append((header, printed))
    if not numeric:
        return None, None
    dated = [(h, p) for h, p in numeric if any(y in h for y in years)]
    if not dated and len(numeric) > 1:
        return None, None  # several figures and none of the year asked about: no one of them is the answer
    header, printed = dated[0] if dated else numeric[0]
    # A row printed as "2.315.400 | 12,5 %" is read with a decimal comma, as its table was written.
    value = parse_number(printed, writes_decimal_comma(p for _, p in numeric))
    if "%" in printed:
        return value, "%"
    scale = detect_scale(unit.heading)
    return value, (f"USD {scale}" if scale else None)


def sentence_value(sentence: str) -> tuple[float | None, str | None]:
    """The figure a sentence states, when it states one: a sentence with two figures ("from
    $100 billion to $175 billion") does not say which one answers, so it gives none."""
    figures = {(f.value, f.unit) for f in figures_in(sentence, _writes_decimal_comma(sentence))}
    return next(iter(figures)) if len(figures) == 1 else (None, None)
