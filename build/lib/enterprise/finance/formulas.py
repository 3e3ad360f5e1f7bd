"""Expressions over a filing's facts: a metric in a year, a line item, constants, arithmetic,
averages over years, changes, growth and compound growth. What a question asks is parsed into
one of these (see `questions`), then evaluated against the facts with every input kept."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from enterprise.finance.metrics import DEFINITIONS, Fact, FactBook, compute, is_currency, money_unit


@dataclass(frozen=True)
class Evaluated:
    value: float
    inputs: tuple[Fact, ...]
    # The unit of a money amount ("USD millions"), when the expression is one.
    amount_unit: str | None = None


class Expr:
    """A node; `year` is the fiscal year the question is about (a node may name its own)."""

    def evaluate(self, book: FactBook, year: int) -> Evaluated | None:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    @property
    def kind(self) -> str:
        """'amount', '%', 'ratio', 'days' or 'number': what the value is."""
        return "number"


@dataclass(frozen=True)
class Const(Expr):
    value: float

    def evaluate(self, book: FactBook, year: int) -> Evaluated | None:
        return Evaluated(self.value, ())

    def describe(self) -> str:
        return f"{self.value:g}"


@dataclass(frozen=True)
class Metric(Expr):
    """A metric of `metrics.DEFINITIONS`, in the question's year or a year of its own."""

    name: str
    year: int | None = None

    def evaluate(self, book: FactBook, year: int) -> Evaluated | None:
        found = compute(book, self.name, self.year or year)
        if found is None:
            return None
        amount_unit = found.unit if DEFINITIONS[self.name].unit == "amount" else None
        return Evaluated(found.value, found.inputs, amount_unit)

    def describe(self) -> str:
        label = DEFINITIONS[self.name].label.lower()
        return f"{label} {self.year}" if self.year else label

    @property
    def kind(self) -> str:
        return DEFINITIONS[self.name].unit


@dataclass(frozen=True)
class LineItem(Expr):
    """A printed line item the question names in its own words ("net service sales")."""

    wording: str
    year: int | None = None
    pick: Callable[[str, Sequence[str]], str | None] | None = field(default=None, compare=False)

    def evaluate(self, book: FactBook, year: int) -> Evaluated | None:
        wanted = self.year or year
        facts = [f for f in book.facts if f.fiscal_year == wanted and book.in_period(f)]
        labels = list(dict.fromkeys(f.line_item for f in facts))
        label = self.pick(self.wording, labels) if self.pick else None
        if label is None:
            return None
        fact = next(f for f in facts if f.line_item == label)
        return Evaluated(fact.value, (fact,), money_unit(fact) if is_currency(fact.unit) else None)

    def describe(self) -> str:
        return f"{self.wording} {self.year}" if self.year else self.wording

    @property
    def kind(self) -> str:
        return "amount"


@dataclass(frozen=True)
class FirstOf(Expr):
    """The first of several readings of one phrase that the facts can answer."""

    options: tuple[Expr, ...]

    def evaluate(self, book: FactBook, year: int) -> Evaluated | None:
        for option in self.options:
            found = option.evaluate(book, year)
            if found is not None:
                return found
        return None

    def describe(self) -> str:
        return self.options[0].describe()

    @property
    def kind(self) -> str:
        return self.options[0].kind


@dataclass(frozen=True)
class AtYear(Expr):
    expr: Expr
    year: int

    def evaluate(self, book: FactBook, year: int) -> Evaluated | None:
        return self.expr.evaluate(book, self.year)

    def describe(self) -> str:
        return f"{self.expr.describe()} {self.year}"

    @property
    def kind(self) -> str:
        return self.expr.kind


DAYS_IN_YEAR = (365.0, 360.0)
_OPERATIONS: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
}


@dataclass(frozen=True)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr

    def evaluate(self, book: FactBook, year: int) -> Evaluated | None:
        left, right = self.left.evaluate(book, year), self.right.evaluate(book, year)
        if left is None or right is None or (self.op == "/" and right.value == 0):
            return None
        value = _OPERATIONS[self.op](left.value, right.value)
        unit = left.amount_unit if self.op in "+-" and left.amount_unit == right.amount_unit else None
        if self.op in "*/" and (left.amount_unit is None) != (right.amount_unit is None):
            unit = left.amount_unit or (right.amount_unit if self.op == "*" else None)
        return Evaluated(value, _merge(left.inputs, right.inputs), unit)

    def describe(self) -> str:
        return f"({self.left.describe()} {self.op} {self.right.describe()})"

    @property
    def kind(self) -> str:
        if self.op in "+-":
            return self.left.kind
        days = [side for side in (self.left, self.right) if isinstance(side, Const) and side.value in DAYS_IN_YEAR]
        if self.op == "*" and days:
            return "days"  # "365 * (average payables) / (cost of sales)": a number of days
        if self.op == "/" and self.left.kind == "days":
            return "days"
        if self.op == "/" and self.left.kind == self.right.kind == "amount":
            return "ratio"
        hundred = [side for side in (self.left, self.right) if isinstance(side, Const) and side.value == 100.0]
        if self.op == "*" and hundred:
            other = self.right if self.left is hundred[0] else self.left
            return "%" if other.kind in {"ratio", "number"} else "number"
        return "number"


@dataclass(frozen=True)
class Mean(Expr):
    """The mean of `expr` over `years` (opening and closing balances, or a multi-year average)."""

    expr: Expr
    years: tuple[int, ...] | None = None  # None: the question's year and the one before

    def _years(self, year: int) -> tuple[int, ...]:
        return self.years or (year - 1, year)

    def evaluate(self, book: FactBook, year: int) -> Evaluated | None:
        values = [self.expr.evaluate(book, y) for y in self._years(year)]
        if not values or any(v is None for v in values):
            return None
        present = [v for v in values if v is not None]
        inputs: tuple[Fact, ...] = ()
        for value in present:
            inputs = _merge(inputs, value.inputs)
        return Evaluated(sum(v.value for v in present) / len(present), inputs, present[0].amount_unit)

    def describe(self) -> str:
        span = f" {min(self.years)}–{max(self.years)}" if self.years else ""
        return f"average {self.expr.describe()}{span}"

    @property
    def kind(self) -> str:
        return self.expr.kind


@dataclass(frozen=True)
class Change(Expr):
    """`expr` at `end` minus `expr` at `start`; as a percentage of the start with `percent`."""

    expr: Expr
    start: int | None = None
    end: int | None = None
    percent: bool = False

    def evaluate(self, book: FactBook, year: int) -> Evaluated | None:
        end = self.end or year
        start = self.start or end - 1
        first, last = self.expr.evaluate(book, start), self.expr.evaluate(book, end)
        if first is None or last is None:
            return None
        inputs = _merge(last.inputs, first.inputs)
        if not self.percent:
            return Evaluated(last.value - first.value, inputs, last.amount_unit)
        if first.value == 0:
            return None
        return Evaluated((last.value - first.value) / abs(first.value) * 100, inputs)

    def describe(self) -> str:
        what = "growth" if self.percent else "change"
        span = f" {self.start}→{self.end}" if self.start and self.end else ""
        return f"{what} of {self.expr.describe()}{span}"

    @property
    def kind(self) -> str:
        return "%" if self.percent else self.expr.kind


@dataclass(frozen=True)
class CompoundGrowth(Expr):
    expr: Expr
    start: int
    end: int

    def evaluate(self, book: FactBook, year: int) -> Evaluated | None:
        first, last = self.expr.evaluate(book, self.start), self.expr.evaluate(book, self.end)
        periods = self.end - self.start
        if first is None or last is None or periods <= 0 or first.value <= 0 or last.value <= 0:
            return None
        rate = (math.pow(last.value / first.value, 1 / periods) - 1) * 100
        return Evaluated(rate, _merge(last.inputs, first.inputs))

    def describe(self) -> str:
        return f"compound annual growth of {self.expr.describe()} {self.start}→{self.end}"

    @property
    def kind(self) -> str:
        return "%"


def _merge(first: tuple[Fact, ...], second: tuple[Fact, ...]) -> tuple[Fact, ...]:
    merged = list(first)
    for fact in second:
        if all(fact is not f for f in merged):
            merged.append(fact)
    return tuple(merged)
