"""A question about a table answered from its cells: which column is measured, which rows the
question names, and what is computed over them. Pure: no database.

The question must be explained by the table: every word that names something (not a word that
asks, nor an operation) is a column heading, a cell of a chosen row, or a word of the table's
title or file name. A question that names anything else ("…to new customers") is not this
table's to answer, and gets no figure from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from enterprise.numbers import parse_written_number
from enterprise.tables.frame import Column, DataTable
from enterprise.tables.lexicon import (
    ABOVE,
    ABOVE_PHRASES,
    BELOW,
    BELOW_PHRASES,
    COUNT_WORDS,
    FILLER,
    OPERATION_WORDS,
    PERCENT_WORDS,
    Operation,
    half_months,
    quarter_months,
    tokens,
)
from enterprise.text import fold_accents, is_year

# A long cell (a product name) is named when this share of its words is in the question.
PARTIAL_CELL_SHARE = 0.75
_PERIOD = re.compile(r"^(month|quarter|half):(\d+)$")
_NUMBER_TOKEN = re.compile(r"^\d[\d.,]*$")
_PRIORITY = [
    Operation.GROWTH,
    Operation.DIFFERENCE,
    Operation.MAXIMUM,
    Operation.MINIMUM,
    Operation.AVERAGE,
    Operation.SUM,
]
# Words that say what a row or count is, for "how many months…" ("rows", "times").
_ROW_WORDS = frozenset("row rows fila filas registro registros veces times entries entradas".split())


@dataclass(frozen=True)
class Threshold:
    above: bool
    value: float

    def keeps(self, value: float) -> bool:
        return value > self.value if self.above else value < self.value


@dataclass
class TableResult:
    table: DataTable
    value: float
    unit: str | None
    operation: Operation | None
    implied_sum: bool
    measures: list[Column]
    filters: list[tuple[Column, list[str]]]
    rows: list[int]
    group: Column | None = None
    group_label: str | None = None
    compared: list[str] = field(default_factory=list)  # the two periods of a growth or difference
    threshold: Threshold | None = None
    explained: int = 0  # how many of the question's naming words the table explains


@dataclass
class _Plan:
    measures: list[Column]
    operation: Operation | None
    filters: list[tuple[Column, list[str]]]
    rows: list[int]
    groups: list[tuple[str, list[int]]]
    group: Column | None
    threshold: Threshold | None
    used: set[str]


def answer(question: str, table: DataTable, context_words: Iterable[str] = ()) -> TableResult | None:
    """The figure the question asks of `table`, or None when the table does not answer it
    exactly. `context_words` are the words of the file's name, which a question may use."""
    words = tokens(question)
    asked = set(words)
    threshold, threshold_words = _threshold(question)
    operation = _operation(asked, threshold is not None)
    plan = _plan(words, asked, table, operation, threshold)
    if plan is None:
        return None
    explained = _explained(table, context_words, plan)
    unexplained = [
        w
        for w in asked
        if w not in FILLER
        and w not in explained
        and w not in threshold_words
        and not _is_operation_word(w)
        and not (is_year(w) and w in explained)
    ]
    if unexplained:
        return None
    return _evaluate(table, plan, len(asked - FILLER))


def _threshold(question: str) -> tuple[Threshold | None, set[str]]:
    folded = fold_accents(question)
    for phrases, singles, above in ((ABOVE_PHRASES, ABOVE, True), (BELOW_PHRASES, BELOW, False)):
        pattern = "|".join(
            [*(re.escape(p) for p in phrases), *(rf"\b{w}\b(?:\s+(?:a|de|los|las|the))?" for w in singles)]
        )
        match = re.search(rf"(?:{pattern})\s+(\d[\d.,]*)", folded)
        if match:
            figure = match.group(1).rstrip(".,")
            value = parse_written_number(figure)
            if value is not None:
                return Threshold(above, value), {figure, *tokens(match.group(0))}
    return None, set()


def _operation(asked: set[str], has_threshold: bool) -> Operation | None:
    found = {op for op, words in OPERATION_WORDS.items() if words & asked}
    if not has_threshold and "mas" in asked:
        found.add(Operation.MAXIMUM)  # "la región con más ventas"
    return next((op for op in _PRIORITY if op in found), None)


def _is_operation_word(word: str) -> bool:
    return (
        any(word in words for words in OPERATION_WORDS.values())
        or word in COUNT_WORDS
        or word in PERCENT_WORDS
        or word in _ROW_WORDS
        or word in {"mas", "menos"}
    )


def _plan(
    words: list[str], asked: set[str], table: DataTable, operation: Operation | None, threshold: Threshold | None
) -> _Plan | None:
    periods = [w for w in dict.fromkeys(words) if _PERIOD.match(w)]
    years = [w for w in dict.fromkeys(words) if is_year(w)]
    counting = _counts_rows(words, table)
    measures = _measures(words, asked, table, operation)
    if not measures and not counting:
        return None
    used: set[str] = set()
    rows = list(range(len(table.frame)))
    filters: list[tuple[Column, list[str]]] = []
    for column in table.label_columns:
        matched = _named_cells(table, column, asked)
        if matched:
            names = sorted(matched)
            keep = {i for i in rows if _cell(table, i, column) in matched}
            rows = [i for i in rows if i in keep]
            filters.append((column, names))
            for name in names:
                used |= _content(tokens(name))
    rows, year_used = _restrict_years(table, rows, years)
    used |= year_used
    groups = [(p, _period_rows(table, rows, p)) for p in periods]
    groups = [(p, r) for p, r in groups if r]
    used |= {p for p, _ in groups}
    comparing = operation in {Operation.GROWTH, Operation.DIFFERENCE} and len(groups) >= 2
    if not comparing and groups:
        if len(groups) > 1 and operation not in {Operation.SUM, Operation.AVERAGE}:
            return None  # "sales in January and March": which of them, or both?
        united = set().union(*(set(r) for _, r in groups))
        rows = [i for i in rows if i in united]
        filters.append((_period_column(table, groups), [p for p, _ in groups]))
    if periods and not groups:
        return None  # the question names a period this table does not hold
    group = _group_column(asked, table, filters) if operation in {Operation.MAXIMUM, Operation.MINIMUM} else None
    if threshold is not None and measures:
        series = table.frame[f"c{measures[0].index}"]
        rows = [i for i in rows if pd.notna(series.iloc[i]) and threshold.keeps(float(series.iloc[i]))]
    if counting:
        operation = Operation.COUNT
    for column in [*measures, *([group] if group else [])]:
        used |= column.words
    if not rows:
        return None
    return _Plan(
        measures,
        operation,
        filters,
        rows,
        groups[:2] if comparing else [],
        group,
        threshold,
        used,
    )


def _content(words: Iterable[str]) -> set[str]:
    return {w for w in words if w not in FILLER}


def _cell(table: DataTable, row: int, column: Column) -> str:
    return str(table.frame.iloc[row][f"c{column.index}"])


def _measures(words: list[str], asked: set[str], table: DataTable, operation: Operation | None) -> list[Column]:
    """The number columns the question names by their heading, best named first; two when it asks
    for the difference between two of them (in the order it names them)."""
    scored = _scored_measures(words, asked, table)
    if not scored and "sell" in asked:
        scored = _scored_measures(words, (asked - {"sell"}) | {"sales"}, table)
    if not scored:
        return []
    scored.sort(key=lambda s: (-s[0], -s[1]))
    best = scored[0][0]
    top = [s for s in scored if s[0] == best]
    if operation == Operation.DIFFERENCE and len(top) >= 2:
        return [c for _, _, c in sorted(top[:2], key=lambda s: -s[1])]
    if len(top) > 1:
        return []  # two columns named alike ("Ventas 2023", "Ventas 2024"): which one?
    return [top[0][2]]


def _scored_measures(words: list[str], asked: set[str], table: DataTable) -> list[tuple[float, int, Column]]:
    scored = []
    for column in table.number_columns:
        named = _content(column.words) - _operation_words()
        if not named:
            continue
        share = len(named & asked) / len(named)
        if share > 0:
            first = min((words.index(w) for w in named & asked if w in words), default=len(words))
            scored.append((share, -first, column))
    return scored


def _operation_words() -> set[str]:
    return set().union(*OPERATION_WORDS.values())


def _counts_rows(words: list[str], table: DataTable) -> bool:
    """ "How many months…", "¿En cuántos meses…?": a count of rows, not a sum of a column."""
    labels = set().union(*(c.words for c in table.label_columns)) if table.label_columns else set()
    for index, word in enumerate(words[:-1]):
        if word in COUNT_WORDS and (words[index + 1] in labels or words[index + 1] in _ROW_WORDS):
            return True
    return False


def _named_cells(table: DataTable, column: Column, asked: set[str]) -> set[str]:
    """The cells of a label column the question names: all of a cell's words (a year only when
    the question names one), or most of a long one's; periods are matched apart."""
    full: dict[str, set[str]] = {}
    partial: dict[str, set[str]] = {}
    names_year = any(is_year(w) for w in asked)
    for row in range(len(table.frame)):
        words = table.cell_words[row][column.index]
        if any(_PERIOD.match(w) for w in words):
            continue
        content = {w for w in _content(words) if names_year or not is_year(w)}
        if not content or all(is_year(w) for w in content):
            continue
        text = _cell(table, row, column)
        if content <= asked:
            full[text] = content
        elif len(content) >= 3 and len(content & asked) / len(content) >= PARTIAL_CELL_SHARE:
            partial[text] = content
    chosen = full or partial
    # "Total activo corriente" named: not also "Total activo", whose words it contains.
    return {t for t, w in chosen.items() if not any(w < other for other in chosen.values())}


def _restrict_years(table: DataTable, rows: list[int], years: list[str]) -> tuple[list[int], set[str]]:
    """Rows of the year the question names, where the table's cells carry years ("1T 2024")."""
    if len(years) != 1:
        return rows, set()
    with_years = [i for i in rows if any(is_year(w) for c in table.label_columns for w in table.cell_words[i][c.index])]
    if not with_years:
        return rows, set()
    kept = [i for i in rows if any(years[0] in table.cell_words[i][c.index] for c in table.label_columns)]
    return kept, {years[0]} if kept else set()


def _period_rows(table: DataTable, rows: list[int], period: str) -> list[int]:
    """Rows of a month, quarter or half: named in a cell, or the months of the quarter or half."""
    match = _PERIOD.match(period)
    assert match is not None
    kind, number = match.group(1), int(match.group(2))
    months = quarter_months(number) if kind == "quarter" else half_months(number) if kind == "half" else set()
    quarters = {1, 2} if (kind, number) == ("half", 1) else {3, 4} if kind == "half" else set()
    found = []
    for i in rows:
        cells = set().union(*(table.cell_words[i][c.index] for c in table.label_columns))
        if (
            period in cells
            or any(f"month:{m}" in cells for m in months)
            or (quarters and any(f"quarter:{q}" in cells for q in quarters))
        ):
            found.append(i)
    return found


def _period_column(table: DataTable, groups: list[tuple[str, list[int]]]) -> Column:
    """The label column that holds the periods: the one that names them ("2T 2024" for Q2), else
    the one they are made of (the months of a quarter)."""
    period, rows = groups[0]
    for named in (lambda w: w == period, lambda w: bool(_PERIOD.match(w))):
        for column in table.label_columns:
            if any(named(w) for i in rows for w in table.cell_words[i][column.index]):
                return column
    return table.label_columns[0]


def _group_column(asked: set[str], table: DataTable, filters: list[tuple[Column, list[str]]]) -> Column | None:
    """ "Which month…", "¿Qué región…?": the label column whose heading the question names, and
    that no filter already fixed."""
    fixed = {c.index for c, _ in filters}
    for column in table.label_columns:
        if column.index not in fixed and _content(column.words) & asked:
            return column
    return None


def _explained(table: DataTable, context_words: Iterable[str], plan: _Plan) -> set[str]:
    title = set(tokens(table.title)) | set(context_words)
    headers = set().union(*(c.words for c in table.columns))
    # "How many units did Norte sell": the verb says what the chosen column counts.
    verbs = {"sell"} if plan.measures else set()
    return plan.used | title | headers | verbs


def _evaluate(table: DataTable, plan: _Plan, named: int) -> TableResult | None:
    frame, rows = table.frame, plan.rows
    measure = plan.measures[0] if plan.measures else None
    unit = table.unit_of(measure) if measure else None
    result = TableResult(table, 0.0, unit, plan.operation, False, plan.measures, plan.filters, rows)
    result.threshold, result.explained = plan.threshold, named
    if plan.operation == Operation.COUNT:
        result.value, result.unit = float(len(rows)), None
        return result
    assert measure is not None
    series = frame[f"c{measure.index}"]
    if plan.operation in {Operation.GROWTH, Operation.DIFFERENCE} and not plan.groups and len(plan.measures) < 2:
        return None  # a change asked with nothing to compare: between which periods?
    if plan.groups:
        (first, first_rows), (second, second_rows) = plan.groups[0], plan.groups[1]
        base, later = _sum(series, first_rows), _sum(series, second_rows)
        result.compared = [first, second]
        result.rows = sorted(set(first_rows) | set(second_rows))
        if plan.operation == Operation.GROWTH:
            if base == 0:
                return None
            result.value, result.unit = (later - base) / abs(base) * 100, "%"
        else:
            result.value = later - base
        return result
    if plan.operation == Operation.DIFFERENCE and len(plan.measures) == 2:
        other = frame[f"c{plan.measures[1].index}"]
        result.value = _sum(series, rows) - _sum(other, rows)
        return result
    if plan.operation in {Operation.MAXIMUM, Operation.MINIMUM}:
        return _extreme(result, plan, series)
    if plan.operation == Operation.AVERAGE:
        values = series.iloc[rows].dropna()
        if values.empty:
            return None
        result.value = float(values.mean())
        return result
    if plan.operation == Operation.SUM or len(rows) > 1:
        if measure.unit == "%" or not (plan.filters or plan.operation == Operation.SUM):
            return None  # percentages do not add up; and the whole column unasked is no answer
        result.implied_sum = plan.operation is None
        result.operation = Operation.SUM
        result.value = _sum(series, rows)
        return result
    value = series.iloc[rows[0]]
    if pd.isna(value):
        return None
    result.value = float(value)
    return result


def _sum(series: pd.Series, rows: list[int]) -> float:
    return float(series.iloc[rows].dropna().sum())


def _extreme(result: TableResult, plan: _Plan, series: pd.Series) -> TableResult | None:
    maximum = plan.operation == Operation.MAXIMUM
    frame = result.table.frame.iloc[plan.rows]
    if plan.group is not None:
        totals = frame.groupby(f"c{plan.group.index}", sort=False)[series.name].sum(min_count=1).dropna()
        if totals.empty:
            return None
        label = totals.idxmax() if maximum else totals.idxmin()
        result.group, result.group_label, result.value = plan.group, str(label), float(totals[label])
        result.rows = [i for i in plan.rows if _cell(result.table, i, plan.group) == label]
        return result
    values = series.iloc[plan.rows].dropna()
    if values.empty:
        return None
    position = values.idxmax() if maximum else values.idxmin()
    result.rows, result.value = [int(position)], float(values[position])
    return result
