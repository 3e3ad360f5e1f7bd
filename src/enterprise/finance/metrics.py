"""Metrics and ratios, each defined once with its formula, computed from a filing's facts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from enterprise.finance.kinds import Metric, StatementKind
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
    name: Metric
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


def _base(metric: Metric, absolute: bool = False) -> Compute:
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
    facts = _need(book, year, Metric.CURRENT_ASSETS, Metric.CURRENT_LIABILITIES)
    return None if facts is None else (facts[0].value - facts[1].value, facts)


def _payout(retained: bool) -> Compute:
    def compute(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
        facts = _need(book, year, Metric.DIVIDENDS_PAID, Metric.NET_INCOME)
        if facts is None or facts[1].value == 0:
            return None
        payout = abs(facts[0].value) / facts[1].value
        return (1 - payout if retained else payout), facts

    return compute


def _ebitda_margin(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    ebitda, revenue = _ebitda(book, year), book.get(Metric.REVENUE, year)
    if ebitda is None or revenue is None or revenue.value == 0:
        return None
    return ebitda[0] / revenue.value * 100, (*ebitda[1], revenue)


def _fcf_conversion(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    fcf, net_income = _free_cash_flow(book, year), book.get(Metric.NET_INCOME, year)
    if fcf is None or net_income is None or net_income.value == 0:
        return None
    return fcf[0] / net_income.value * 100, (*fcf[1], net_income)


def _cash_conversion_cycle(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    parts = [DEFINITIONS[name].compute(book, year) for name in (Metric.DIO, Metric.DSO, Metric.DPO)]
    if any(p is None for p in parts):
        return None
    dio, dso, dpo = (p for p in parts if p is not None)
    inputs: list[Fact] = []
    for part in (dio, dso, dpo):
        inputs += [f for f in part[1] if all(f is not i for i in inputs)]
    return dio[0] + dso[0] - dpo[0], tuple(inputs)


def _free_cash_flow(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    facts = _need(book, year, Metric.OPERATING_CASH_FLOW, Metric.CAPEX)
    return None if facts is None else (facts[0].value - abs(facts[1].value), facts)


def _gross_profit(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    printed = book.get(Metric.GROSS_PROFIT, year)
    if printed is not None:
        return printed.value, (printed,)
    facts = _need(book, year, Metric.REVENUE, Metric.COST_OF_SALES)
    return None if facts is None else (facts[0].value - abs(facts[1].value), facts)


def _ebitda(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    facts = _need(book, year, Metric.OPERATING_INCOME, Metric.DEPRECIATION_AMORTIZATION)
    return None if facts is None else (facts[0].value + abs(facts[1].value), facts)


def _quick_ratio(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    facts = _need(book, year, Metric.CURRENT_ASSETS, Metric.INVENTORIES, Metric.CURRENT_LIABILITIES)
    if facts is None or facts[2].value == 0:
        return None
    return (facts[0].value - facts[1].value) / facts[2].value, facts


def _margin(metric: Metric) -> Compute:
    return _ratio(lambda f: f[0].value, (metric, Metric.REVENUE), 100.0)


DEFINITIONS: dict[str, Definition] = {
    d.name: d
    for d in [
        Definition(Metric.REVENUE, "Revenue", "amount", "revenue as printed", _base(Metric.REVENUE)),
        Definition(
            Metric.COST_OF_SALES,
            "Cost of sales",
            "amount",
            "cost of sales as printed",
            _base(Metric.COST_OF_SALES, True),
        ),
        Definition(Metric.GROSS_PROFIT, "Gross profit", "amount", "revenue - cost of sales", _gross_profit),
        Definition(
            Metric.OPERATING_INCOME,
            "Operating income",
            "amount",
            "operating income as printed",
            _base(Metric.OPERATING_INCOME),
        ),
        Definition(Metric.NET_INCOME, "Net income", "amount", "net income as printed", _base(Metric.NET_INCOME)),
        Definition(
            Metric.EPS_DILUTED,
            "Diluted EPS",
            "amount",
            "diluted earnings per share as printed",
            _base(Metric.EPS_DILUTED),
        ),
        Definition(
            Metric.EPS_BASIC, "Basic EPS", "amount", "basic earnings per share as printed", _base(Metric.EPS_BASIC)
        ),
        Definition(
            Metric.DEPRECIATION_AMORTIZATION,
            "Depreciation and amortization",
            "amount",
            "D&A from the cash-flow statement",
            _base(Metric.DEPRECIATION_AMORTIZATION, True),
        ),
        Definition(
            Metric.CAPEX,
            "Capital expenditures",
            "amount",
            "purchases of property, plant and equipment (cash outflow, shown positive)",
            _base(Metric.CAPEX, True),
        ),
        Definition(
            Metric.FREE_CASH_FLOW,
            "Free cash flow",
            "amount",
            "operating cash flow - capital expenditures",
            _free_cash_flow,
        ),
        Definition(
            Metric.DIVIDENDS_PAID,
            "Dividends paid",
            "amount",
            "dividends paid (cash outflow, shown positive)",
            _base(Metric.DIVIDENDS_PAID, True),
        ),
        Definition(
            Metric.OPERATING_CASH_FLOW,
            "Operating cash flow",
            "amount",
            "net cash from operating activities",
            _base(Metric.OPERATING_CASH_FLOW),
        ),
        Definition(
            Metric.INVESTING_CASH_FLOW,
            "Investing cash flow",
            "amount",
            "net cash from investing activities",
            _base(Metric.INVESTING_CASH_FLOW),
        ),
        Definition(
            Metric.FINANCING_CASH_FLOW,
            "Financing cash flow",
            "amount",
            "net cash from financing activities",
            _base(Metric.FINANCING_CASH_FLOW),
        ),
        Definition(Metric.TOTAL_ASSETS, "Total assets", "amount", "total assets", _base(Metric.TOTAL_ASSETS)),
        Definition(
            Metric.CURRENT_ASSETS, "Current assets", "amount", "total current assets", _base(Metric.CURRENT_ASSETS)
        ),
        Definition(
            Metric.CURRENT_LIABILITIES,
            "Current liabilities",
            "amount",
            "total current liabilities",
            _base(Metric.CURRENT_LIABILITIES),
        ),
        Definition(
            Metric.TOTAL_LIABILITIES,
            "Total liabilities",
            "amount",
            "total liabilities",
            _base(Metric.TOTAL_LIABILITIES),
        ),
        Definition(Metric.CASH, "Cash and cash equivalents", "amount", "cash and cash equivalents", _base(Metric.CASH)),
        Definition(Metric.INVENTORIES, "Inventories", "amount", "inventories", _base(Metric.INVENTORIES)),
        Definition(
            Metric.RECEIVABLES, "Accounts receivable", "amount", "accounts receivable, net", _base(Metric.RECEIVABLES)
        ),
        Definition(Metric.PAYABLES, "Accounts payable", "amount", "accounts payable", _base(Metric.PAYABLES)),
        Definition(Metric.LONG_TERM_DEBT, "Long-term debt", "amount", "long-term debt", _base(Metric.LONG_TERM_DEBT)),
        Definition(
            Metric.PPE_NET,
            "Property, plant and equipment, net",
            "amount",
            "net property, plant and equipment as printed",
            _base(Metric.PPE_NET),
        ),
        Definition(
            Metric.SGA,
            "Selling, general and administrative expenses",
            "amount",
            "SG&A as printed",
            _base(Metric.SGA, True),
        ),
        Definition(
            Metric.RESEARCH_DEVELOPMENT,
            "Research and development",
            "amount",
            "R&D as printed",
            _base(Metric.RESEARCH_DEVELOPMENT),
        ),
        Definition(
            Metric.INTEREST_EXPENSE,
            "Interest expense",
            "amount",
            "interest expense as printed",
            _base(Metric.INTEREST_EXPENSE, True),
        ),
        Definition(
            Metric.INCOME_TAX,
            "Income tax expense",
            "amount",
            "provision for income taxes as printed",
            _base(Metric.INCOME_TAX),
        ),
        Definition(
            Metric.WORKING_CAPITAL,
            "Working capital",
            "amount",
            "total current assets - total current liabilities",
            _working_capital,
        ),
        Definition(
            Metric.TOTAL_EQUITY, "Total equity", "amount", "total shareholders' equity", _base(Metric.TOTAL_EQUITY)
        ),
        Definition(
            Metric.GROSS_MARGIN,
            "Gross margin",
            "%",
            "(revenue - cost of sales) / revenue × 100",
            lambda b, y: _gross_margin(b, y),
        ),
        Definition(
            Metric.OPERATING_MARGIN,
            "Operating margin",
            "%",
            "operating income / revenue × 100",
            _margin(Metric.OPERATING_INCOME),
        ),
        Definition(Metric.NET_MARGIN, "Net margin", "%", "net income / revenue × 100", _margin(Metric.NET_INCOME)),
        Definition(
            Metric.COGS_PCT,
            "Cost of sales as % of revenue",
            "%",
            "cost of sales / revenue × 100",
            _ratio(lambda f: abs(f[0].value), (Metric.COST_OF_SALES, Metric.REVENUE), 100.0),
        ),
        Definition(
            Metric.EFFECTIVE_TAX_RATE,
            "Effective tax rate",
            "%",
            "income tax expense / income before income taxes × 100",
            # Filings print the provision as a deduction, often in parentheses: its size is the expense.
            _ratio(lambda f: abs(f[0].value), (Metric.INCOME_TAX, Metric.INCOME_BEFORE_TAX), 100.0),
        ),
        Definition(
            Metric.CURRENT_RATIO,
            "Current ratio",
            "ratio",
            "current assets / current liabilities",
            _ratio(lambda f: f[0].value, (Metric.CURRENT_ASSETS, Metric.CURRENT_LIABILITIES)),
        ),
        Definition(
            Metric.QUICK_RATIO,
            "Quick ratio",
            "ratio",
            "(current assets - inventories) / current liabilities",
            _quick_ratio,
        ),
        Definition(
            Metric.DEBT_TO_EQUITY,
            "Debt to equity",
            "ratio",
            "long-term debt / total equity",
            _ratio(lambda f: f[0].value, (Metric.LONG_TERM_DEBT, Metric.TOTAL_EQUITY)),
        ),
        Definition(
            Metric.ROA,
            "Return on assets",
            "%",
            "net income / average total assets × 100",
            _average_ratio(Metric.NET_INCOME, Metric.TOTAL_ASSETS, False, False),
        ),
        Definition(
            Metric.ROE,
            "Return on equity",
            "%",
            "net income / average total equity × 100",
            _average_ratio(Metric.NET_INCOME, Metric.TOTAL_EQUITY, False, False),
        ),
        Definition(
            Metric.DSO,
            "Days sales outstanding",
            "days",
            "average receivables / revenue × 365",
            _average_ratio(Metric.REVENUE, Metric.RECEIVABLES, True, True),
        ),
        Definition(
            Metric.DIO,
            "Days inventory outstanding",
            "days",
            "average inventories / cost of sales × 365",
            _average_ratio(Metric.COST_OF_SALES, Metric.INVENTORIES, True, True),
        ),
        Definition(
            Metric.DPO,
            "Days payables outstanding",
            "days",
            "average payables / cost of sales × 365",
            _average_ratio(Metric.COST_OF_SALES, Metric.PAYABLES, True, True),
        ),
        Definition(
            Metric.CAPEX_PCT_REVENUE,
            "Capex as % of revenue",
            "%",
            "capital expenditures / revenue × 100",
            _ratio(lambda f: abs(f[0].value), (Metric.CAPEX, Metric.REVENUE), 100.0),
        ),
        Definition(Metric.EBITDA, "EBITDA", "amount", "operating income + depreciation and amortization", _ebitda),
        Definition(
            Metric.EBITDA_MARGIN,
            "EBITDA margin",
            "%",
            "(operating income + depreciation and amortization) / revenue × 100",
            _ebitda_margin,
        ),
        Definition(
            Metric.OPERATING_CASH_FLOW_RATIO,
            "Operating cash flow ratio",
            "ratio",
            "net cash from operating activities / total current liabilities",
            _ratio(lambda f: f[0].value, (Metric.OPERATING_CASH_FLOW, Metric.CURRENT_LIABILITIES)),
        ),
        Definition(
            Metric.INVENTORY_TURNOVER,
            "Inventory turnover",
            "ratio",
            "cost of sales / average inventories",
            _turnover(Metric.COST_OF_SALES, Metric.INVENTORIES),
        ),
        Definition(
            Metric.ASSET_TURNOVER,
            "Asset turnover",
            "ratio",
            "revenue / average total assets",
            _turnover(Metric.REVENUE, Metric.TOTAL_ASSETS),
        ),
        Definition(
            Metric.FIXED_ASSET_TURNOVER,
            "Fixed asset turnover",
            "ratio",
            "revenue / average net property, plant and equipment",
            _turnover(Metric.REVENUE, Metric.PPE_NET),
        ),
        Definition(
            Metric.RECEIVABLES_TURNOVER,
            "Receivables turnover",
            "ratio",
            "revenue / average accounts receivable",
            _turnover(Metric.REVENUE, Metric.RECEIVABLES),
        ),
        Definition(
            Metric.PAYOUT_RATIO, "Dividend payout ratio", "ratio", "dividends paid / net income", _payout(False)
        ),
        Definition(
            Metric.RETENTION_RATIO, "Retention ratio", "ratio", "1 - dividends paid / net income", _payout(True)
        ),
        Definition(
            Metric.FCF_CONVERSION,
            "Free cash flow conversion",
            "%",
            "(operating cash flow - capital expenditures) / net income × 100",
            _fcf_conversion,
        ),
        Definition(
            Metric.CASH_CONVERSION_CYCLE,
            "Cash conversion cycle",
            "days",
            "days inventory outstanding + days sales outstanding - days payables outstanding",
            _cash_conversion_cycle,
        ),
        Definition(
            Metric.INTEREST_COVERAGE,
            "Interest coverage",
            "ratio",
            "operating income / interest expense",
            _ratio(lambda f: f[0].value, (Metric.OPERATING_INCOME, Metric.INTEREST_EXPENSE)),
        ),
    ]
}


def _gross_margin(book: FactBook, year: int) -> tuple[float, tuple[Fact, ...]] | None:
    revenue = book.get(Metric.REVENUE, year)
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
    Metric.GROSS_MARGIN: (_INCOME,), Metric.OPERATING_MARGIN: (_INCOME,), Metric.NET_MARGIN: (_INCOME,),
    Metric.COGS_PCT: (_INCOME,), Metric.EFFECTIVE_TAX_RATE: (_INCOME,), Metric.EBITDA: (_INCOME, _CASH),
    Metric.EBITDA_MARGIN: (_INCOME, _CASH), Metric.INTEREST_COVERAGE: (_INCOME,), Metric.CURRENT_RATIO: (_BALANCE,),
    Metric.QUICK_RATIO: (_BALANCE,), Metric.WORKING_CAPITAL: (_BALANCE,), Metric.DEBT_TO_EQUITY: (_BALANCE,),
    Metric.ROA: (_INCOME, _BALANCE), Metric.ROE: (_INCOME, _BALANCE), Metric.DSO: (_INCOME, _BALANCE),
    Metric.DIO: (_INCOME, _BALANCE), Metric.DPO: (_INCOME, _BALANCE),
    Metric.CASH_CONVERSION_CYCLE: (_INCOME, _BALANCE), Metric.INVENTORY_TURNOVER: (_INCOME, _BALANCE),
    Metric.ASSET_TURNOVER: (_INCOME, _BALANCE), Metric.FIXED_ASSET_TURNOVER: (_INCOME, _BALANCE),
    Metric.RECEIVABLES_TURNOVER: (_INCOME, _BALANCE), Metric.CAPEX_PCT_REVENUE: (_CASH, _INCOME),
    Metric.FREE_CASH_FLOW: (_CASH,), Metric.FCF_CONVERSION: (_CASH, _INCOME), Metric.PAYOUT_RATIO: (_CASH, _INCOME),
    Metric.RETENTION_RATIO: (_CASH, _INCOME), Metric.OPERATING_CASH_FLOW_RATIO: (_CASH, _BALANCE),
}  # fmt: skip


def metric_statements(metric: str) -> tuple[StatementKind, ...]:
    """The statements a metric's inputs are printed on."""
    if metric in _RATIO_STATEMENTS:
        return _RATIO_STATEMENTS[metric]
    return next((s.statements for s in SYNONYMS if s.metric == metric), ())
