"""Accounting checks on a filing's extracted statements.

The identities every filing must satisfy: assets equal liabilities plus equity; gross profit is
revenue less cost of sales; the cash-flow sections add up to the change in cash, and the change
takes the opening balance to the closing one; and every printed subtotal equals the lines above
it in its section. A statement that fails a core identity has its facts flagged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from enterprise.finance.kinds import Metric, StatementKind
from enterprise.finance.statements import FactDraft

_INVESTING = re.compile(r"^(net |total )?cash.*investing activities", re.IGNORECASE)
_FINANCING = re.compile(r"^(net |total )?cash.*financing activities", re.IGNORECASE)
_FX = re.compile(
    r"(effect|impact) of (foreign )?exchange rate|foreign (currency|exchange) effect|exchange rate (effect|changes)",
    re.IGNORECASE,
)
_CHANGE = re.compile(r"^(net )?(increase|decrease|change)\b.*\bin cash|^net cash flows?$", re.IGNORECASE)
_BEGINNING = re.compile(r"beginning of (the )?(period|year)|beginning balances?$|^balance at beginning", re.IGNORECASE)
_ENDING = re.compile(r"end of (the )?(period|year)|ending balances?$|^balance at end", re.IGNORECASE)
_TOTAL = re.compile(r"^total\b", re.IGNORECASE)


@dataclass(frozen=True)
class CheckResult:
    statement: str
    name: str
    fiscal_year: int
    expected: float
    actual: float
    passed: bool
    core: bool
    pages: tuple[int, ...]


def _close(a: float, b: float, terms: int = 2) -> bool:
    # Printed figures are rounded: allow one unit of rounding per term, and 0.1% for large sums.
    return abs(a - b) <= max(terms * 1.0, 0.001 * max(abs(a), abs(b)))


def _by_year(facts: Iterable[FactDraft]) -> dict[int, list[FactDraft]]:
    years: dict[int, list[FactDraft]] = defaultdict(list)
    for fact in facts:
        years[fact.fiscal_year].append(fact)
    return years


def _metric(facts: Sequence[FactDraft], metric: str) -> FactDraft | None:
    return next((f for f in facts if f.metric == metric), None)


def _label(facts: Sequence[FactDraft], pattern: re.Pattern[str]) -> FactDraft | None:
    return next((f for f in facts if pattern.search(f.line_item)), None)


def _result(
    statement: str, name: str, year: int, expected: float, parts: Sequence[FactDraft], core: bool
) -> CheckResult:
    actual = sum(p.value for p in parts)
    pages = tuple(sorted({p.page for p in parts}))
    return CheckResult(statement, name, year, expected, actual, _close(expected, actual, len(parts)), core, pages)


def run_checks(facts: Sequence[FactDraft]) -> list[CheckResult]:
    results: list[CheckResult] = []
    for year, items in sorted(_by_year(facts).items()):
        results.extend(_balance(year, [f for f in items if f.statement == StatementKind.BALANCE]))
        results.extend(_income(year, [f for f in items if f.statement == StatementKind.INCOME]))
        results.extend(_cash_flow(year, [f for f in items if f.statement == StatementKind.CASH_FLOW]))
        for kind in (StatementKind.BALANCE, StatementKind.INCOME, StatementKind.CASH_FLOW):
            results.extend(_subtotals(year, kind, [f for f in items if f.statement == kind]))
    return results


def _balance(year: int, facts: list[FactDraft]) -> list[CheckResult]:
    assets, both = _metric(facts, Metric.TOTAL_ASSETS), _metric(facts, Metric.LIABILITIES_AND_EQUITY)
    results = []
    if assets and both:
        results.append(
            _result(
                StatementKind.BALANCE, "total assets = total liabilities and equity", year, assets.value, [both], True
            )
        )
    liabilities, equity = _metric(facts, Metric.TOTAL_LIABILITIES), _metric(facts, Metric.TOTAL_EQUITY)
    if assets and liabilities and equity:
        results.append(
            _result(
                StatementKind.BALANCE,
                "total assets = total liabilities + total equity",
                year,
                assets.value,
                [liabilities, equity],
                False,
            )
        )
    return results


def _income(year: int, facts: list[FactDraft]) -> list[CheckResult]:
    revenue, cost, gross = (_metric(facts, m) for m in (Metric.REVENUE, Metric.COST_OF_SALES, Metric.GROSS_PROFIT))
    if not (revenue and cost and gross):
        return []
    negated_cost = FactDraft(**{**cost.__dict__, "value": -abs(cost.value)})
    return [
        _result(
            StatementKind.INCOME,
            "gross profit = revenue - cost of sales",
            year,
            gross.value,
            [revenue, negated_cost],
            True,
        )
    ]


def _cash_flow(year: int, facts: list[FactDraft]) -> list[CheckResult]:
    results = []
    operating = _metric(facts, Metric.OPERATING_CASH_FLOW)
    investing, financing = _label(facts, _INVESTING), _label(facts, _FINANCING)
    change = _label(facts, _CHANGE)
    if operating and investing and financing and change:
        parts = [operating, investing, financing]
        fx = _label(facts, _FX)
        if fx:
            parts.append(fx)
        results.append(
            _result(
                StatementKind.CASH_FLOW,
                "operating + investing + financing (+ exchange rates) = change in cash",
                year,
                change.value,
                parts,
                True,
            )
        )
    beginning, ending = _label(facts, _BEGINNING), _label(facts, _ENDING)
    if beginning and ending and change:
        results.append(
            _result(
                StatementKind.CASH_FLOW,
                "cash at beginning + change = cash at end",
                year,
                ending.value,
                [beginning, change],
                True,
            )
        )
    return results


def _subtotals(year: int, kind: str, facts: list[FactDraft]) -> list[CheckResult]:
    """'Total current assets' against the lines printed since its section began."""
    results = []
    ordered = sorted(facts, key=lambda f: (f.page, f.row))
    for index, total in enumerate(ordered):
        if not _TOTAL.match(total.line_item) or not total.section:
            continue
        parts = []
        for previous in reversed(ordered[:index]):
            if previous.section != total.section or previous.page != total.page or _TOTAL.match(previous.line_item):
                break
            parts.append(previous)
        if len(parts) >= 2:
            name = f"{total.line_item} = sum of the lines above it"
            results.append(_result(kind, name, year, total.value, parts, False))
    return results


def failed_statements(results: Sequence[CheckResult]) -> set[tuple[str, int]]:
    return {(r.statement, r.fiscal_year) for r in results if r.core and not r.passed}
