"""Metrics and ratios, each defined once with its formula, computed from a filing's facts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


class Fact(Protocol):
    @property
    def metric(self) -> str | None: ...
    @property
    def fiscal_year(self) -> int: ...
    @property
    def value(self) -> float: ...
    @property
    def scale(self) -> str | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def line_item(self) -> str: ...
    @property
    def page(self) -> int: ...
    @property
    def flagged(self) -> bool: ...


class FactBook:
    """The facts of one filing (or company), looked up by metric and fiscal year."""

    def __init__(self, facts: Sequence[Fact]) -> None:
        self.facts = list(facts)
        self._by_key: dict[tuple[str, int], Fact] = {}
        for fact in facts:
            if fact.metric is not None:
                self._by_key.setdefault((fact.metric, fact.fiscal_year), fact)

    def get(self, metric: str, year: int) -> Fact | None:
        return self._by_key.get((metric, year))

    def years(self) -> list[int]:
        return sorted({f.fiscal_year for f in self.facts})


@dataclass(frozen=True)
class MetricValue:
    metric: str
    label: str
    fiscal_year: int
    value: float
    unit: str
    formula: str
    inputs: tuple[Fact, ...]

    @property
    def flagged(self) -> bool:
        return any(f.flagged for f in self.inputs)


Compute = Callable[[FactBook, int], tuple[float, tuple[Fact, ...]] | None]


@dataclass(frozen=True)
class Definition:
    name: str
    label: str
    unit: str  # "amount" (the facts' own unit and scale), "%", "ratio", "days"
    formula: str
    compute: Compute


def money_unit(fact: Fact) -> str:
    if fact.unit != "USD":
        return fact.unit
    return f"USD {fact.scale}" if fact.scale else "USD"


def _base(metric: str, absolute: bool = False) -> Compute:
    def compute(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
        fact = book.get(metric, year)
        if fact is None:
            return None
        return (abs(fact.value) if absolute else fact.value), (fact,)

    return compute


def _need(book: FactBook, year: int, *metrics: str) -> tuple[Fact, ...] | None:
    found = tuple(book.get(m, year) for m in metrics)
    return None if any(f is None for f in found) else found  # type: ignore[return-value]


def _ratio(numerator: Callable[[tuple[Fact, ...]], float], metrics: tuple[str, ...], scale: float = 1.0) -> Compute:
    def compute(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
        facts = _need(book, year, *metrics)
        if facts is None or facts[-1].value == 0:
            return None
        return numerator(facts) / facts[-1].value * scale, facts

    return compute


def _average_ratio(flow: str, stock: str, days: bool, stock_over_flow: bool) -> Compute:
    """A flow against the average of opening and closing balances (closing only if no opening)."""

    def compute(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
        flow_fact, closing = book.get(flow, year), book.get(stock, year)
        if flow_fact is None or closing is None or flow_fact.value == 0:
            return None
        opening = book.get(stock, year - 1)
        balances = (closing, opening) if opening else (closing,)
        average = sum(f.value for f in balances) / len(balances)
        if stock_over_flow:
            value = average / abs(flow_fact.value) * (365 if days else 1)
        else:
            value = flow_fact.value / average * 100 if average else 0.0
        return value, (flow_fact, *balances)

    return compute


def _free_cash_flow(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    facts = _need(book, year, "operating_cash_flow", "capex")
    return None if facts is None else (facts[0].value - abs(facts[1].value), facts)


def _gross_profit(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    printed = book.get("gross_profit", year)
    if printed is not None:
        return printed.value, (printed,)
    facts = _need(book, year, "revenue", "cost_of_sales")
    return None if facts is None else (facts[0].value - abs(facts[1].value), facts)


def _ebitda(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    facts = _need(book, year, "operating_income", "depreciation_amortization")
    return None if facts is None else (facts[0].value + abs(facts[1].value), facts)


def _quick_ratio(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    facts = _need(book, year, "current_assets", "inventories", "current_liabilities")
    if facts is None or facts[2].value == 0:
        return None
    return (facts[0].value - facts[1].value) / facts[2].value, facts


def _margin(metric: str) -> Compute:
    return _ratio(lambda f: f[0].value, (metric, "revenue"), 100.0)


DEFINITIONS: dict[str, Definition] = {
    d.name: d
    for d in [
        Definition("revenue", "Revenue", "amount", "revenue as printed", _base("revenue")),
        Definition(
            "cost_of_sales", "Cost of sales", "amount", "cost of sales as printed", _base("cost_of_sales", True)
        ),
        Definition("gross_profit", "Gross profit", "amount", "revenue - cost of sales", _gross_profit),
        Definition(
            "operating_income", "Operating income", "amount", "operating income as printed", _base("operating_income")
        ),
        Definition("net_income", "Net income", "amount", "net income as printed", _base("net_income")),
        Definition(
            "eps_diluted", "Diluted EPS", "amount", "diluted earnings per share as printed", _base("eps_diluted")
        ),
        Definition("eps_basic", "Basic EPS", "amount", "basic earnings per share as printed", _base("eps_basic")),
        Definition(
            "depreciation_amortization",
            "Depreciation and amortization",
            "amount",
            "D&A from the cash-flow statement",
            _base("depreciation_amortization", True),
        ),
        Definition(
            "capex",
            "Capital expenditures",
            "amount",
            "purchases of property, plant and equipment (cash outflow, shown positive)",
            _base("capex", True),
        ),
        Definition(
            "free_cash_flow", "Free cash flow", "amount", "operating cash flow - capital expenditures", _free_cash_flow
        ),
        Definition(
            "dividends_paid",
            "Dividends paid",
            "amount",
            "dividends paid (cash outflow, shown positive)",
            _base("dividends_paid", True),
        ),
        Definition(
            "operating_cash_flow",
            "Operating cash flow",
            "amount",
            "net cash from operating activities",
            _base("operating_cash_flow"),
        ),
        Definition("total_assets", "Total assets", "amount", "total assets", _base("total_assets")),
        Definition("current_assets", "Current assets", "amount", "total current assets", _base("current_assets")),
        Definition(
            "current_liabilities",
            "Current liabilities",
            "amount",
            "total current liabilities",
            _base("current_liabilities"),
        ),
        Definition("total_liabilities", "Total liabilities", "amount", "total liabilities", _base("total_liabilities")),
        Definition("cash", "Cash and cash equivalents", "amount", "cash and cash equivalents", _base("cash")),
        Definition("inventories", "Inventories", "amount", "inventories", _base("inventories")),
        Definition("receivables", "Accounts receivable", "amount", "accounts receivable, net", _base("receivables")),
        Definition("payables", "Accounts payable", "amount", "accounts payable", _base("payables")),
        Definition("long_term_debt", "Long-term debt", "amount", "long-term debt", _base("long_term_debt")),
        Definition("total_equity", "Total equity", "amount", "total shareholders' equity", _base("total_equity")),
        Definition(
            "gross_margin",
            "Gross margin",
            "%",
            "(revenue - cost of sales) / revenue × 100",
            lambda b, y: _gross_margin(b, y),
        ),
        Definition(
            "operating_margin", "Operating margin", "%", "operating income / revenue × 100", _margin("operating_income")
        ),
        Definition("net_margin", "Net margin", "%", "net income / revenue × 100", _margin("net_income")),
        Definition(
            "cogs_pct",
            "Cost of sales as % of revenue",
            "%",
            "cost of sales / revenue × 100",
            _ratio(lambda f: abs(f[0].value), ("cost_of_sales", "revenue"), 100.0),
        ),
        Definition(
            "effective_tax_rate",
            "Effective tax rate",
            "%",
            "income tax expense / income before income taxes × 100",
            _ratio(lambda f: f[0].value, ("income_tax", "income_before_tax"), 100.0),
        ),
        Definition(
            "current_ratio",
            "Current ratio",
            "ratio",
            "current assets / current liabilities",
            _ratio(lambda f: f[0].value, ("current_assets", "current_liabilities")),
        ),
        Definition(
            "quick_ratio", "Quick ratio", "ratio", "(current assets - inventories) / current liabilities", _quick_ratio
        ),
        Definition(
            "debt_to_equity",
            "Debt to equity",
            "ratio",
            "long-term debt / total equity",
            _ratio(lambda f: f[0].value, ("long_term_debt", "total_equity")),
        ),
        Definition(
            "roa",
            "Return on assets",
            "%",
            "net income / average total assets × 100",
            _average_ratio("net_income", "total_assets", False, False),
        ),
        Definition(
            "roe",
            "Return on equity",
            "%",
            "net income / average total equity × 100",
            _average_ratio("net_income", "total_equity", False, False),
        ),
        Definition(
            "dso",
            "Days sales outstanding",
            "days",
            "average receivables / revenue × 365",
            _average_ratio("revenue", "receivables", True, True),
        ),
        Definition(
            "dio",
            "Days inventory outstanding",
            "days",
            "average inventories / cost of sales × 365",
            _average_ratio("cost_of_sales", "inventories", True, True),
        ),
        Definition(
            "dpo",
            "Days payables outstanding",
            "days",
            "average payables / cost of sales × 365",
            _average_ratio("cost_of_sales", "payables", True, True),
        ),
        Definition(
            "capex_pct_revenue",
            "Capex as % of revenue",
            "%",
            "capital expenditures / revenue × 100",
            _ratio(lambda f: abs(f[0].value), ("capex", "revenue"), 100.0),
        ),
        Definition("ebitda", "EBITDA", "amount", "operating income + depreciation and amortization", _ebitda),
        Definition(
            "interest_coverage",
            "Interest coverage",
            "ratio",
            "operating income / interest expense",
            _ratio(lambda f: f[0].value, ("operating_income", "interest_expense")),
        ),
    ]
}


def _gross_margin(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    revenue = book.get("revenue", year)
    gross = _gross_profit(book, year)
    if revenue is None or gross is None or revenue.value == 0:
        return None
    inputs = gross[1] if revenue in gross[1] else (revenue, *gross[1])
    return gross[0] / revenue.value * 100, inputs


def compute(book: FactBook, metric: str, year: int) -> MetricValue | None:
    definition = DEFINITIONS.get(metric)
    if definition is None:
        return None
    computed = definition.compute(book, year)
    if computed is None:
        return None
    value, inputs = computed
    unit = money_unit(inputs[0]) if definition.unit == "amount" else definition.unit
    return MetricValue(metric, definition.label, year, round(value, 4), unit, definition.formula, inputs)


def growth(book: FactBook, metric: str, year: int) -> MetricValue | None:
    """Year-over-year change of a metric, in percent."""
    current, previous = compute(book, metric, year), compute(book, metric, year - 1)
    if current is None or previous is None or previous.value == 0:
        return None
    value = (current.value - previous.value) / abs(previous.value) * 100
    label = f"{DEFINITIONS[metric].label} growth"
    formula = f"({metric} {year} - {metric} {year - 1}) / {metric} {year - 1} × 100"
    return MetricValue(f"{metric}_growth", label, year, round(value, 4), "%", formula, current.inputs + previous.inputs)


def average(book: FactBook, metric: str, years: Sequence[int]) -> MetricValue | None:
    values = [compute(book, metric, y) for y in years]
    if not values or any(v is None for v in values):
        return None
    present = [v for v in values if v is not None]
    mean = sum(v.value for v in present) / len(present)
    label = f"Average {DEFINITIONS[metric].label.lower()} {min(years)}–{max(years)}"
    inputs = tuple(f for v in present for f in v.inputs)
    return MetricValue(
        f"{metric}_average",
        label,
        max(years),
        round(mean, 4),
        present[0].unit,
        f"mean of {metric} over {len(present)} years",
        inputs,
    )
