"""Metrics and ratios, each defined once with its formula, computed from a filing's facts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from enterprise.finance.kinds import StatementKind
from enterprise.finance.periods import INTERIM_BALANCE, period_months
from enterprise.finance.synonyms import SYNONYMS


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
    @property
    def period_label(self) -> str: ...
    @property
    def statement(self) -> str: ...


class FactBook:
    """The facts of one filing (or company), looked up by metric and fiscal year.

    A fiscal year's figure is a full year's: the quarter and year-to-date columns of a
    quarterly report are kept apart (`months`), so they never answer for a year.
    """

    def __init__(self, facts: Sequence[Fact], months: int | None = None) -> None:
        self.facts = list(facts)
        self.months = months
        self._by_key: dict[tuple[str, int], Fact] = {}
        for fact in facts:
            if fact.metric is not None and self.in_period(fact):
                self._by_key.setdefault((fact.metric, fact.fiscal_year), fact)

    def in_period(self, fact: Fact) -> bool:
        """A fact of the period this book answers for: a balance (a date) belongs to any; a flow
        whose column names no length is a fiscal year's, so never a quarter's."""
        if fact.statement == StatementKind.BALANCE:
            # A quarterly report's balance sheet answers for its quarters, not for a fiscal year.
            return self.months is not None or not fact.period_label.startswith(INTERIM_BALANCE)
        months = period_months(fact.period_label)
        if self.months is None:
            return months in (None, 12)
        return months == self.months

    def for_months(self, months: int | None) -> FactBook:
        return FactBook(self.facts, months)

    def get(self, metric: str, year: int) -> Fact | None:
        return self._by_key.get((metric, year))

    def years(self) -> list[int]:
        return sorted({f.fiscal_year for f in self.facts if self.in_period(f)})


@dataclass(frozen=True)
class MetricValue:
    metric: str
    label: str
    fiscal_year: int
    value: float
    unit: str
    formula: str
    inputs: tuple[Fact, ...]
    asked: str = ""  # the unit conversion and rounding the question asked for
    period_months: int | None = None  # a quarter (3) or year to date (6, 9); None for the year
    previous: float | None = None  # the year before's value, for a question about a direction

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


def is_currency(unit: str) -> bool:
    """An amount of money: the unit is an ISO currency code ("USD", "EUR"), not "shares" or "USD per share"."""
    return len(unit) == 3 and unit.isalpha() and unit.isupper()


def money_unit(fact: Fact) -> str:
    if not is_currency(fact.unit):
        return fact.unit
    return f"{fact.unit} {fact.scale}" if fact.scale else fact.unit


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


def _turnover(flow: str, stock: str) -> Compute:
    """A flow over the average of the opening and closing balances of a stock (times a year)."""

    def compute(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
        flow_fact, closing, opening = book.get(flow, year), book.get(stock, year), book.get(stock, year - 1)
        if flow_fact is None or closing is None:
            return None
        balances = (closing, opening) if opening else (closing,)
        average = sum(f.value for f in balances) / len(balances)
        return (abs(flow_fact.value) / average, (flow_fact, *balances)) if average else None

    return compute


def _working_capital(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    facts = _need(book, year, "current_assets", "current_liabilities")
    return None if facts is None else (facts[0].value - facts[1].value, facts)


def _payout(retained: bool) -> Compute:
    def compute(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
        facts = _need(book, year, "dividends_paid", "net_income")
        if facts is None or facts[1].value == 0:
            return None
        payout = abs(facts[0].value) / facts[1].value
        return (1 - payout if retained else payout), facts

    return compute


def _ebitda_margin(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    ebitda, revenue = _ebitda(book, year), book.get("revenue", year)
    if ebitda is None or revenue is None or revenue.value == 0:
        return None
    return ebitda[0] / revenue.value * 100, (*ebitda[1], revenue)


def _fcf_conversion(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    fcf, net_income = _free_cash_flow(book, year), book.get("net_income", year)
    if fcf is None or net_income is None or net_income.value == 0:
        return None
    return fcf[0] / net_income.value * 100, (*fcf[1], net_income)


def _cash_conversion_cycle(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    parts = [DEFINITIONS[name].compute(book, year) for name in ("dio", "dso", "dpo")]
    if any(p is None for p in parts):
        return None
    dio, dso, dpo = (p for p in parts if p is not None)
    inputs: list[Fact] = []
    for part in (dio, dso, dpo):
        inputs += [f for f in part[1] if all(f is not i for i in inputs)]
    return dio[0] + dso[0] - dpo[0], tuple(inputs)


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
        Definition(
            "investing_cash_flow",
            "Investing cash flow",
            "amount",
            "net cash from investing activities",
            _base("investing_cash_flow"),
        ),
        Definition(
            "financing_cash_flow",
            "Financing cash flow",
            "amount",
            "net cash from financing activities",
            _base("financing_cash_flow"),
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
        Definition(
            "ppe_net",
            "Property, plant and equipment, net",
            "amount",
            "net property, plant and equipment as printed",
            _base("ppe_net"),
        ),
        Definition(
            "sga",
            "Selling, general and administrative expenses",
            "amount",
            "SG&A as printed",
            _base("sga", True),
        ),
        Definition(
            "research_development",
            "Research and development",
            "amount",
            "R&D as printed",
            _base("research_development"),
        ),
        Definition(
            "interest_expense",
            "Interest expense",
            "amount",
            "interest expense as printed",
            _base("interest_expense", True),
        ),
        Definition(
            "income_tax", "Income tax expense", "amount", "provision for income taxes as printed", _base("income_tax")
        ),
        Definition(
            "working_capital",
            "Working capital",
            "amount",
            "total current assets - total current liabilities",
            _working_capital,
        ),
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
            # Filings print the provision as a deduction, often in parentheses: its size is the expense.
            _ratio(lambda f: abs(f[0].value), ("income_tax", "income_before_tax"), 100.0),
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
            "ebitda_margin",
            "EBITDA margin",
            "%",
            "(operating income + depreciation and amortization) / revenue × 100",
            _ebitda_margin,
        ),
        Definition(
            "operating_cash_flow_ratio",
            "Operating cash flow ratio",
            "ratio",
            "net cash from operating activities / total current liabilities",
            _ratio(lambda f: f[0].value, ("operating_cash_flow", "current_liabilities")),
        ),
        Definition(
            "inventory_turnover",
            "Inventory turnover",
            "ratio",
            "cost of sales / average inventories",
            _turnover("cost_of_sales", "inventories"),
        ),
        Definition(
            "asset_turnover",
            "Asset turnover",
            "ratio",
            "revenue / average total assets",
            _turnover("revenue", "total_assets"),
        ),
        Definition(
            "fixed_asset_turnover",
            "Fixed asset turnover",
            "ratio",
            "revenue / average net property, plant and equipment",
            _turnover("revenue", "ppe_net"),
        ),
        Definition(
            "receivables_turnover",
            "Receivables turnover",
            "ratio",
            "revenue / average accounts receivable",
            _turnover("revenue", "receivables"),
        ),
        Definition("payout_ratio", "Dividend payout ratio", "ratio", "dividends paid / net income", _payout(False)),
        Definition("retention_ratio", "Retention ratio", "ratio", "1 - dividends paid / net income", _payout(True)),
        Definition(
            "fcf_conversion",
            "Free cash flow conversion",
            "%",
            "(operating cash flow - capital expenditures) / net income × 100",
            _fcf_conversion,
        ),
        Definition(
            "cash_conversion_cycle",
            "Cash conversion cycle",
            "days",
            "days inventory outstanding + days sales outstanding - days payables outstanding",
            _cash_conversion_cycle,
        ),
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


# The statements each metric reads its inputs from (the base metrics: where their line is printed).
_INCOME, _BALANCE, _CASH = StatementKind.INCOME, StatementKind.BALANCE, StatementKind.CASH_FLOW
_RATIO_STATEMENTS: dict[str, tuple[StatementKind, ...]] = {
    "gross_margin": (_INCOME,), "operating_margin": (_INCOME,), "net_margin": (_INCOME,), "cogs_pct": (_INCOME,),
    "effective_tax_rate": (_INCOME,), "ebitda": (_INCOME, _CASH), "ebitda_margin": (_INCOME, _CASH),
    "interest_coverage": (_INCOME,), "current_ratio": (_BALANCE,), "quick_ratio": (_BALANCE,),
    "working_capital": (_BALANCE,), "debt_to_equity": (_BALANCE,), "roa": (_INCOME, _BALANCE),
    "roe": (_INCOME, _BALANCE), "dso": (_INCOME, _BALANCE), "dio": (_INCOME, _BALANCE), "dpo": (_INCOME, _BALANCE),
    "cash_conversion_cycle": (_INCOME, _BALANCE), "inventory_turnover": (_INCOME, _BALANCE),
    "asset_turnover": (_INCOME, _BALANCE), "fixed_asset_turnover": (_INCOME, _BALANCE),
    "receivables_turnover": (_INCOME, _BALANCE), "capex_pct_revenue": (_CASH, _INCOME),
    "free_cash_flow": (_CASH,), "fcf_conversion": (_CASH, _INCOME), "payout_ratio": (_CASH, _INCOME),
    "retention_ratio": (_CASH, _INCOME), "operating_cash_flow_ratio": (_CASH, _BALANCE),
}  # fmt: skip


def metric_statements(metric: str) -> tuple[StatementKind, ...]:
    """The statements a metric's inputs are printed on."""
    if metric in _RATIO_STATEMENTS:
        return _RATIO_STATEMENTS[metric]
    return next((s.statements for s in SYNONYMS if s.metric == metric), ())
