"""A question about a figure of the statements, answered exactly from the facts, with the
formula and the page of every input."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from enterprise.finance.metrics import DEFINITIONS, FactBook, MetricValue, average, compute, growth, money_unit
from enterprise.finance.questions import FactQuestion, best_line_item, read_question


def rounded(value: float, unit: str) -> float:
    if unit in {"%", "ratio"}:
        return round(value, 2)
    if unit == "days":
        return round(value, 1)
    return round(value, 4)


def answer_from_facts(
    question: str, book: FactBook, years: Sequence[int], company_words: frozenset[str] = frozenset()
) -> MetricValue | None:
    asked = read_question(question, company_words)
    if asked is None or not book.facts:
        return None
    year = _year(asked, book, years)
    if year is None:
        return None
    if asked.metric is None:
        return _custom(asked, book, year)
    result = _metric(asked, book, year, years)
    if result is None:
        return None
    return replace(result, value=rounded(result.value, result.unit))


def _year(asked: FactQuestion, book: FactBook, years: Sequence[int]) -> int | None:
    available = book.years()
    if not available:
        return None
    named = [y for y in years if y in available]
    if not years:
        return max(available)
    if not named:
        return None
    return max(named) if asked.growth or asked.average else named[0]


def _metric(asked: FactQuestion, book: FactBook, year: int, years: Sequence[int]) -> MetricValue | None:
    assert asked.metric is not None
    if asked.metric not in DEFINITIONS:
        return None
    if asked.growth:
        return growth(book, asked.metric, year)
    if asked.average and len(set(years)) >= 2:
        return average(book, asked.metric, list(range(min(years), max(years) + 1)))
    return compute(book, asked.metric, year)


def _custom(asked: FactQuestion, book: FactBook, year: int) -> MetricValue | None:
    facts = [f for f in book.facts if f.fiscal_year == year]
    labels = list(dict.fromkeys(f.line_item for f in facts))
    numerator_label = best_line_item(asked.numerator or "", labels)
    denominator_label = best_line_item(asked.denominator or "", labels)
    if numerator_label is None or denominator_label is None or numerator_label == denominator_label:
        return None
    numerator = next(f for f in facts if f.line_item == numerator_label)
    denominator = next(f for f in facts if f.line_item == denominator_label)
    if denominator.value == 0:
        return None
    value = numerator.value / denominator.value * (100 if asked.percent else 1)
    unit = "%" if asked.percent else "ratio"
    formula = f"{numerator.line_item} / {denominator.line_item}" + (" × 100" if asked.percent else "")
    label = "Ratio as the question defines it"
    return MetricValue("question_ratio", label, year, rounded(value, unit), unit, formula, (numerator, denominator))


def describe(answer: MetricValue) -> str:
    """One sentence for the user, the inputs cited as [n] in the order given."""
    if answer.unit in {"%", "ratio", "days"}:
        figure = f"{answer.value:,.2f}{'%' if answer.unit == '%' else ''}" + (" days" if answer.unit == "days" else "")
        inputs = "; ".join(
            f"{f.line_item} {f.fiscal_year}: {f.value:,.2f} ({money_unit(f)}) [{i}]"
            for i, f in enumerate(answer.inputs, 1)
        )
        return f"{answer.label} for fiscal {answer.fiscal_year}: {figure} = {answer.formula}, from {inputs}."
    first = answer.inputs[0]
    amount = f"{answer.value:,.2f}".rstrip("0").rstrip(".") if answer.value % 1 else f"{answer.value:,.0f}"
    printed = f'as printed in "{first.line_item}" [1]'
    return f"{answer.label} for fiscal {answer.fiscal_year}: {amount} {answer.unit}, {printed}."
