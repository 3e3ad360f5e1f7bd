"""A question about a figure of the statements, answered exactly from the facts, with the
formula, the page of every input, and the unit and rounding the question asked for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from enterprise.finance.formulas import Change, CompoundGrowth, Expr, Mean, Metric
from enterprise.finance.metrics import DEFINITIONS, Fact, FactBook, MetricValue, money_unit
from enterprise.finance.questions import ParsedQuestion, parse_question, subject_label
from enterprise.finance.wording import formula_in, label_in, number_in, unit_in

_SCALE_FACTORS = {"": 1.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}


def rounded(value: float, unit: str) -> float:
    if unit in {"%", "ratio"}:
        return round(value, 2)
    if unit == "days":
        return round(value, 1)
    return round(value, 4)


def round_half_up(value: float, decimals: int) -> float:
    """Rounding as an analyst does it (1.25 → 1.3), not Python's round-half-to-even."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP))


def answer_from_facts(
    question: str, book: FactBook, years: Sequence[int], company_words: frozenset[str] = frozenset()
) -> MetricValue | None:
    return answer_parsed(parse_question(question, company_words), book, years)


def answer_parsed(asked: ParsedQuestion, book: FactBook, years: Sequence[int]) -> MetricValue | None:
    """The exact figure a parsed question asks of one filing's facts, or None."""
    if asked.target is None or asked.refused or not book.facts:
        return None
    period_book = book.for_months(asked.months)
    year = _year(asked, period_book, years)
    if year is None:
        return None
    return _evaluate(asked, period_book, year)


def related_figures(
    question: str, book: FactBook, years: Sequence[int], company_words: frozenset[str] = frozenset()
) -> list[MetricValue]:
    """For a question about a quality of the business ("is it capital-intensive?"): each figure
    that measures it, this year and the year before; the judgement is left to the reader."""
    return related_parsed(parse_question(question, company_words), book, years)


def related_parsed(asked: ParsedQuestion, book: FactBook, years: Sequence[int]) -> list[MetricValue]:
    if not asked.related or asked.refused or not book.facts:
        return []
    year = _year(asked, book, years)
    if year is None:
        return []
    found = []
    for figure in asked.related:
        single = ParsedQuestion(figure, "", [year], None, None, False, None, [], None, True)
        value = _evaluate(single, book, year)
        if value is not None:
            found.append(value)
    return found


def _evaluate(asked: ParsedQuestion, book: FactBook, year: int) -> MetricValue | None:
    assert asked.target is not None
    evaluated = asked.target.evaluate(book, year)
    if evaluated is None or not evaluated.inputs:
        return None
    unit, value, conversion = _in_asked_unit(asked, evaluated.value, evaluated.amount_unit)
    decimals = asked.decimals
    value = round_half_up(value, decimals) if decimals is not None else rounded(value, unit)
    previous = None
    inputs = evaluated.inputs
    if asked.yes_no:
        before = asked.target.evaluate(book, year - 1)
        if before is not None:
            previous = rounded(_in_asked_unit(asked, before.value, before.amount_unit)[1], unit)
            inputs = inputs + tuple(f for f in before.inputs if all(f is not i for i in inputs))
    return MetricValue(
        _name(asked.target),
        _label(asked),
        year,
        value,
        unit,
        _formula(asked.target),
        inputs,
        asked=_asked_note(conversion, decimals),
        period_months=asked.months,
        previous=previous,
    )


def _year(asked: ParsedQuestion, book: FactBook, routed_years: Sequence[int]) -> int | None:
    available = book.years()
    if not available:
        return None
    named = asked.years or list(routed_years)
    if not named:
        return max(available)
    year = max(named)
    return year if year in available else None


def _in_asked_unit(asked: ParsedQuestion, value: float, amount_unit: str | None) -> tuple[str, float, str | None]:
    """(unit, value in it, what was converted) — an amount in the scale the question asks."""
    kind = asked.target.kind if asked.target is not None else "number"
    if amount_unit is None or kind not in {"amount"}:
        if kind == "ratio" and asked.percent and not isinstance(asked.target, Metric):
            return "%", value * 100, "as a percentage"
        unit = kind if kind in {"%", "ratio", "days"} else ("%" if asked.percent else "ratio")
        return unit, value, None
    currency, _, scale = amount_unit.partition(" ")
    if asked.scale is None or asked.scale == scale or scale not in _SCALE_FACTORS:
        return amount_unit, value, None
    converted = value * _SCALE_FACTORS[scale] / _SCALE_FACTORS[asked.scale]
    return f"{currency} {asked.scale}", converted, f"converted from {amount_unit}"


def _asked_note(conversion: str | None, decimals: int | None) -> str:
    parts = [conversion] if conversion else []
    if decimals is not None:
        parts.append(f"rounded to {decimals} decimal{'s' if decimals != 1 else ''} as asked")
    return "; ".join(parts)


def _name(target: Expr) -> str:
    return target.name if isinstance(target, Metric) else "question_formula"


def _label(asked: ParsedQuestion) -> str:
    """What the figure is, in a few words: the metric's name, or the question's own name for it."""
    named = expression_label(asked.target) if asked.target is not None else None
    if named is not None:
        return named
    wording = subject_label(asked.wording) if asked.wording else ""
    return wording or "Figure as the question defines it"


def expression_label(target: Expr) -> str | None:
    if isinstance(target, Metric):
        return DEFINITIONS[target.name].label
    inner = expression_label(target.expr) if isinstance(target, Change | Mean | CompoundGrowth) else None
    if inner is None:
        return None
    if isinstance(target, Change):
        return f"{inner} growth" if target.percent else f"Change in {inner[:1].lower()}{inner[1:]}"
    if isinstance(target, Mean):
        return f"Average {inner[:1].lower()}{inner[1:]}"
    return f"Compound annual growth of {inner[:1].lower()}{inner[1:]}"


def _formula(target: Expr) -> str:
    if isinstance(target, Metric) and target.year is None:
        return DEFINITIONS[target.name].formula
    return target.describe()


Marker = Callable[[Fact], int]


def page_markers(answer: MetricValue) -> Marker:
    """[n] for each input: the n-th distinct page the inputs are printed on (one citation a page)."""
    pages = list(dict.fromkeys(f.page for f in answer.inputs))
    return lambda fact: pages.index(fact.page) + 1


def describe(answer: MetricValue, marker: Marker | None = None, language: str = "en") -> str:
    """One sentence for the user, each input cited by the marker of its page, in the question's language."""
    cite = marker or page_markers(answer)
    if language == "es":
        return _describe_spanish(answer, cite)
    if answer.previous is not None:
        return _direction(answer, cite)
    asked = f" ({answer.asked})" if answer.asked else ""
    period = {3: "the quarter of fiscal", 6: "the six months of fiscal", 9: "the nine months of fiscal"}.get(
        answer.period_months or 0, "fiscal"
    )
    if answer.unit in {"%", "ratio", "days"}:
        figure = (
            _number(answer.value) + ("%" if answer.unit == "%" else "") + (" days" if answer.unit == "days" else "")
        )
        inputs = "; ".join(
            f"{f.line_item} {f.fiscal_year}: {_number(f.value)} ({money_unit(f)}) [{cite(f)}]" for f in answer.inputs
        )
        return f"{answer.label} for {period} {answer.fiscal_year}: {figure}{asked} = {answer.formula}, from {inputs}."
    if len(answer.inputs) == 1:
        first = answer.inputs[0]
        printed = f'as printed in "{first.line_item}" [{cite(first)}]'
        figure = f"{_number(answer.value)} {answer.unit}{asked}"
        return f"{answer.label} for {period} {answer.fiscal_year}: {figure}, {printed}."
    inputs = "; ".join(f"{f.line_item} {f.fiscal_year}: {_number(f.value)} [{cite(f)}]" for f in answer.inputs)
    return (
        f"{answer.label} for {period} {answer.fiscal_year}: {_number(answer.value)} {answer.unit}{asked} "
        f"= {answer.formula}, from {inputs}."
    )


_SPANISH_PERIODS = {
    3: "del trimestre del ejercicio",
    6: "de los seis meses del ejercicio",
    9: "de los nueve meses del ejercicio",
}


def _describe_spanish(answer: MetricValue, cite: Marker) -> str:
    label = label_in(answer.metric, answer.label, "es")
    formula = formula_in(answer.formula, "es")
    inputs = "; ".join(
        f"{f.line_item} {f.fiscal_year}: {number_in(f.value, 'es')} ({unit_in(money_unit(f), 'es')}) [{cite(f)}]"
        for f in answer.inputs
    )
    suffix = {"%": " %", "ratio": "", "days": " días"}.get(answer.unit, f" {unit_in(answer.unit, 'es')}")
    if answer.previous is not None:
        change = answer.value - answer.previous
        moved = "subió" if change > 0 else ("bajó" if change < 0 else "no cambió")
        return (
            f"{label} {moved} de {number_in(answer.previous, 'es')}{suffix} en el ejercicio {answer.fiscal_year - 1} "
            f"a {number_in(answer.value, 'es')}{suffix} en el ejercicio {answer.fiscal_year}. Fórmula: {formula}, "
            f"de {inputs}. No se juzga si esta medida conviene al negocio de la empresa."
        )
    period = _SPANISH_PERIODS.get(answer.period_months or 0, "del ejercicio")
    asked = f" ({answer.asked})" if answer.asked else ""
    figure = f"{number_in(answer.value, 'es')}{suffix}{asked}"
    if len(answer.inputs) == 1 and answer.unit not in {"%", "ratio", "days"}:
        first = answer.inputs[0]
        printed = f'tal como figura en "{first.line_item}" [{cite(first)}]'
        return f"{label} {period} {answer.fiscal_year}: {figure}, {printed}."
    return f"{label} {period} {answer.fiscal_year}: {figure} = {formula}, de {inputs}."


def _number(value: float) -> str:
    if value % 1 == 0:
        return f"{value:,.0f}"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text


def _direction(answer: MetricValue, cite: Marker) -> str:
    """A yes/no question about a figure: both years, which way it moved, and what is not judged."""
    assert answer.previous is not None
    suffix = "%" if answer.unit == "%" else ("" if answer.unit in {"ratio", "days"} else f" {answer.unit}")
    change = answer.value - answer.previous
    moved = "rose" if change > 0 else ("fell" if change < 0 else "was unchanged")
    points = " points" if answer.unit == "%" else ""
    inputs = "; ".join(f"{f.line_item} {f.fiscal_year}: {_number(f.value)} [{cite(f)}]" for f in answer.inputs)
    sign = " It is negative." if answer.value < 0 else ""
    return (
        f"{answer.label} {moved} from {_number(answer.previous)}{suffix} in fiscal {answer.fiscal_year - 1} "
        f"to {_number(answer.value)}{suffix} in fiscal {answer.fiscal_year} ({change:+,.2f}{points}).{sign} "
        f"Formula: {answer.formula}, from {inputs}. Whether this measure suits the company's business is "
        "not judged from the figures."
    )
