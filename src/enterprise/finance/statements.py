"""Financial statement tables read into facts: one per line item and period, with its canonical
metric, signed value, scale and position. Pure functions over extracted tables; no database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from enterprise.finance.synonyms import canonical_metric

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
PER_SHARE = re.compile(r"per\s+(common\s+)?share|per\s+diluted|per\s+basic|earnings\s+per|\beps\b", re.IGNORECASE)
SHARE_COUNT = re.compile(r"\bshares\b.*\b(outstanding|used|computing|weighted)|weighted[- ]average", re.IGNORECASE)


class StatementKind:
    INCOME = "income"
    COMPREHENSIVE_INCOME = "comprehensive_income"
    BALANCE = "balance"
    CASH_FLOW = "cash_flow"
    EQUITY = "equity"


_KIND_PATTERNS = [
    (StatementKind.CASH_FLOW, re.compile(r"cash\s*flows?", re.IGNORECASE)),
    (StatementKind.COMPREHENSIVE_INCOME, re.compile(r"comprehensive\s*(income|loss|earnings)", re.IGNORECASE)),
    (StatementKind.BALANCE, re.compile(r"balance\s*sheets?|financial\s*(position|condition)", re.IGNORECASE)),
    (
        StatementKind.EQUITY,
        re.compile(r"(stockholders|shareholders|shareowners)['’]?\s*equity|changes\s*in\s*equity", re.IGNORECASE),
    ),
    (StatementKind.INCOME, re.compile(r"operations|income|earnings", re.IGNORECASE)),
]


def statement_kind(title: str) -> str | None:
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(title):
            return kind
    return None


def primary_statement_pages(titles: dict[int, str]) -> dict[int, str]:
    """Page → kind for the first run of consecutive pages of each kind; a later look-alike
    (a note titled "...Cash Flows Reconciliation") is not the statement."""
    kinds = {page: statement_kind(title) for page, title in titles.items()}
    chosen: dict[int, str] = {}
    for kind in {k for k in kinds.values() if k is not None}:
        page = min(p for p, k in kinds.items() if k == kind)
        while kinds.get(page) == kind:
            chosen[page] = kind
            page += 1
    return dict(sorted(chosen.items()))


@dataclass(frozen=True)
class StatementTable:
    """What facts are read from: an extracted table on a statement page."""

    page: int
    title: str
    scale: str | None
    header: list[str]
    rows: list[list[str]]
    values: list[list[float | None]]
    table_id: object = None


@dataclass(frozen=True)
class FactDraft:
    statement: str
    line_item: str
    section: str
    metric: str | None
    fiscal_year: int
    period_label: str
    value: float
    scale: str | None
    unit: str
    page: int
    row: int
    column: int
    table_id: object = None
    flagged: bool = False

    @property
    def scaled_value(self) -> float:
        """The value in units of its currency or shares (millions multiplied out)."""
        factor = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}.get(self.scale or "", 1.0)
        return self.value * factor


def column_years(table: StatementTable) -> list[int | None]:
    """The fiscal year of each value column, from its header, else from the table's title."""
    width = max((len(r) for r in table.rows), default=len(table.header))
    years: list[int | None] = []
    title_years = [int(y) for y in _YEAR.findall(table.title)]
    for index in range(1, width):
        cell = table.header[index] if index < len(table.header) else ""
        found = _YEAR.findall(cell)
        if found:
            years.append(int(found[-1]))
        elif len(title_years) == width - 1:
            years.append(title_years[index - 1])
        else:
            years.append(None)
    return years


def _is_heading(row: list[str], values: list[float | None]) -> bool:
    return bool(row and row[0].strip()) and all(v is None for v in values[1:])


def facts_from_table(table: StatementTable, kind: str) -> list[FactDraft]:
    if kind == StatementKind.EQUITY:
        return []  # columns are components of equity, not periods
    years = column_years(table)
    if not any(years):
        return []
    facts: list[FactDraft] = []
    section = ""
    for row_index, (row, values) in enumerate(zip(table.rows, table.values, strict=False)):
        label = " ".join(row[0].split()) if row else ""
        if not label:
            continue
        if _is_heading(row, values):
            section = label.rstrip(":")
            continue
        per_share = bool(PER_SHARE.search(label) or PER_SHARE.search(section))
        shares = bool(SHARE_COUNT.search(label) or SHARE_COUNT.search(section)) and not per_share
        unit = "USD per share" if per_share else ("shares" if shares else "USD")
        metric = canonical_metric(label, section, kind)
        for column, value in enumerate(values[1:], start=1):
            year = years[column - 1] if column - 1 < len(years) else None
            if value is None or year is None:
                continue
            header = table.header[column] if column < len(table.header) else str(year)
            facts.append(
                FactDraft(
                    statement=kind,
                    line_item=label,
                    section=section,
                    metric=metric,
                    fiscal_year=year,
                    period_label=header or str(year),
                    value=value,
                    scale=None if per_share else table.scale,
                    unit=unit,
                    page=table.page,
                    row=row_index,
                    column=column,
                    table_id=table.table_id,
                )
            )
    return facts


def _first_per_metric(facts: list[FactDraft]) -> list[FactDraft]:
    """A canonical metric names one line per period: the first printed (later lines with the
    same meaning, such as a second 'Net income' in a reconciliation, keep their label only)."""
    seen: set[tuple[str, int]] = set()
    result = []
    for fact in facts:
        if fact.metric is not None:
            key = (fact.metric, fact.fiscal_year)
            if key in seen:
                fact = FactDraft(**{**fact.__dict__, "metric": None})
            else:
                seen.add(key)
        result.append(fact)
    return result


def extract_facts(tables: Sequence[StatementTable], kinds: dict[int, str]) -> list[FactDraft]:
    facts: list[FactDraft] = []
    for table in tables:
        kind = kinds.get(table.page)
        if kind is not None:
            facts.extend(facts_from_table(table, kind))
    return _first_per_metric(facts)
