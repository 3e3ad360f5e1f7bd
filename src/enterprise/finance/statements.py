"""Financial statement tables read into facts: one per line item and period, with its canonical
metric, signed value, scale and position. Pure functions over extracted tables; no database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from enterprise.finance.kinds import StatementKind
from enterprise.finance.periods import INTERIM_BALANCE, UNSTATED_LENGTH, fiscal_year_of, period_months
from enterprise.finance.synonyms import PREFERRED_LINES, canonical_metric
from enterprise.text import PRINTED_YEAR, YEAR_DIGITS, years_in

PER_SHARE = re.compile(r"per\s+(common\s+)?share|per\s+diluted|per\s+basic|earnings\s+per|\beps\b", re.IGNORECASE)
SHARE_COUNT = re.compile(r"\bshares\b.*\b(outstanding|used|computing|weighted)|weighted[- ]average", re.IGNORECASE)


# English and Spanish titles ("Estado de flujos de efectivo", "Balance general", "Cuenta de pérdidas y ganancias").
_KIND_PATTERNS = [
    (StatementKind.CASH_FLOW, re.compile(r"cash\s*flows?|flujos?\s+de\s+efectivo|flujos?\s+de\s+caja", re.IGNORECASE)),
    (
        StatementKind.COMPREHENSIVE_INCOME,
        re.compile(r"comprehensive\s*(income|loss|earnings)|resultados?\s+integral", re.IGNORECASE),
    ),
    (
        StatementKind.BALANCE,
        re.compile(
            r"balance\s*sheets?|financial\s*(position|condition)|balance\s+general|balance\s+de\s+situaci[oó]n"
            r"|situaci[oó]n\s+financiera|^\s*balance\b",
            re.IGNORECASE,
        ),
    ),
    (
        StatementKind.EQUITY,
        re.compile(
            r"(stockholders|shareholders|shareowners)['’]?\s*equity|changes\s*in\s*equity"
            r"|(cambios|variaci[oó]n|variaciones)\s+(en\s+el|del)\s+patrimonio",
            re.IGNORECASE,
        ),
    ),
    (
        StatementKind.INCOME,
        re.compile(
            r"operations|income|earnings|\bp\s*&\s*l\b|estado\s+de\s+resultados|cuenta\s+de\s+resultados"
            r"|p[eé]rdidas\s+y\s+ganancias|resultados\s+del\s+(ejercicio|periodo|per[ií]odo)",
            re.IGNORECASE,
        ),
    ),
]


def statement_kind(title: str) -> str | None:
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(title):
            return kind
    return None


def primary_statement_pages(titles: dict[int, str]) -> dict[int, str]:
    """Page → kind for the statements themselves: the pages of the cluster that holds the most
    kinds of statement (they are printed together), the first run of consecutive pages of each
    kind in it; a look-alike elsewhere (a note titled "...Cash Flows Reconciliation", an MD&A
    table that refers to the statement of cash flows) is not the statement."""
    kinds = {page: statement_kind(title) for page, title in titles.items()}
    pages = sorted(p for p, k in kinds.items() if k is not None)
    clusters: list[list[int]] = []
    for page in pages:
        if clusters and page - clusters[-1][-1] <= CLUSTER_GAP:
            clusters[-1].append(page)
        else:
            clusters.append([page])
    best = max(clusters, key=lambda c: (len({kinds[p] for p in c}), -c[0]), default=[])
    chosen: dict[int, str] = {}
    for kind in {k for k in kinds.values() if k is not None}:
        in_best = [p for p in best if kinds[p] == kind]
        page = min(in_best) if in_best else min(p for p, k in kinds.items() if k == kind)
        while kinds.get(page) == kind:
            chosen[page] = kind
            page += 1
    return dict(sorted(chosen.items()))


CLUSTER_GAP = 3


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
    currency: str = "USD"


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


HEADER_SEARCH_ROWS = 6
# A heading cell over a column: a year, a month, a day of a date ("31,"), or words without figures.
_HEADER_CELL = re.compile(
    r"^\s*(?:fiscal\s+)?(19|20)\d\d\s*$|^\s*\d{1,2},?\s*$|[a-z]{3,}|^\D*$",
    re.IGNORECASE,
)


def header_cells(table: StatementTable) -> list[str]:
    """The column headings: the header row, each column joined with the dated cells of the
    title rows above the first figure (a header printed under the statement's own title)."""
    width = max((len(r) for r in table.rows), default=len(table.header))
    cells = [table.header[i] if i < len(table.header) else "" for i in range(width)]
    for row, values in list(zip(table.rows, table.values, strict=False))[:HEADER_SEARCH_ROWS]:
        if any(v is not None for v in values[1:]) and not all(_HEADER_CELL.search(c) for c in row[1:] if c.strip()):
            break
        for index in range(1, min(width, len(row))):
            if row[index].strip():
                cells[index] = f"{cells[index]} {row[index]}".strip()
        # "In millions, except per share amounts 2018": a year run into the label cell.
        if row and width > 1 and (tail := _TRAILING_YEAR.search(row[0])) and not PRINTED_YEAR.search(cells[1]):
            cells[1] = f"{cells[1]} {tail.group(1)}".strip()
    return _shift_to_figures(table, cells)


_DATE_PART = re.compile(rf"^\s*({YEAR_DIGITS}|\d{{1,2}},?)\s*$")
_TRAILING_YEAR = re.compile(rf"\s({YEAR_DIGITS})\s*$")


def _shift_to_figures(table: StatementTable, cells: list[str]) -> list[str]:
    """A heading that sits over a column with no figures belongs to the next column that has
    figures and no heading (the layout model split one printed column in two)."""
    # Two figures make a column of figures (a "31," of a date in the heading rows does not).
    filled = [
        sum(
            1
            for row, values in zip(table.rows, table.values, strict=False)
            if index < len(values) and values[index] is not None and not _DATE_PART.match(row[index])
        )
        >= 2
        for index in range(len(cells))
    ]
    shifted = list(cells)
    for index in range(1, len(cells) - 1):
        if (
            PRINTED_YEAR.search(shifted[index])
            and not filled[index]
            and filled[index + 1]
            and not PRINTED_YEAR.search(shifted[index + 1])
        ):
            shifted[index + 1], shifted[index] = f"{shifted[index + 1]} {shifted[index]}".strip(), ""
    return shifted


_DURATION_PHRASE = re.compile(
    r"\b(three|six|nine|twelve|thirteen|twenty[- ]six|thirty[- ]nine|fifty[- ]two|fifty[- ]three|\d{1,2})"
    r"[- ](months?|weeks?)\b(\s+ended)?|\bquarter(\s+ended)?\b|\byears?\s+ended\b",
    re.IGNORECASE,
)


def with_durations(headers: list[str]) -> list[str]:
    """Each column's heading with the length of its period. A quarterly report prints "Three
    Months Ended" once over its two columns and "Six Months Ended" over the next two: the
    phrases, in order, split the value columns into equal groups."""
    phrases = [m.group(0) for cell in headers[1:] for m in _DURATION_PHRASE.finditer(cell)]
    columns = len(headers) - 1
    if not phrases or columns % len(phrases):
        return headers
    size = columns // len(phrases)
    result = [headers[0]]
    for index, cell in enumerate(headers[1:]):
        phrase = phrases[index // size]
        result.append(cell if _DURATION_PHRASE.search(cell) else f"{phrase} {cell}".strip())
    return result


def column_years(table: StatementTable) -> list[int | None]:
    """The fiscal year of each value column, from its header, else from the table's title."""
    width = max((len(r) for r in table.rows), default=len(table.header))
    years: list[int | None] = []
    title_years = years_in(table.title)
    header = header_cells(table)
    for index in range(1, width):
        cell = header[index] if index < len(header) else ""
        year = fiscal_year_of(cell)
        if year is not None:
            years.append(year)
        elif len(title_years) == width - 1:
            years.append(title_years[index - 1])
        else:
            years.append(None)
    return years


def _is_heading(row: list[str], values: list[float | None]) -> bool:
    return bool(row and row[0].strip()) and all(v is None for v in values[1:])


_FORM_10Q = re.compile(r"form\s*10\s*-?\s*q\b", re.IGNORECASE)
_FORM_10K = re.compile(r"form\s*10\s*-?\s*k\b", re.IGNORECASE)


def is_quarterly_report(cover: str) -> bool:
    """A Form 10-Q by its cover (a 10-K's cover names the quarterly report only as an unticked box)."""
    return bool(_FORM_10Q.search(cover)) and not _FORM_10K.search(cover)


QUARTER = "Three months ended"


def _flow_durations(headers: list[str], years: list[int | None], quarterly: bool) -> list[str]:
    """Columns of a quarterly report's flow statement whose length is not printed over them.

    The same year in two columns means two lengths of one year (the quarter first, by the
    convention of quarterly reports, then the year to date); in a quarterly report a column
    of no stated length is never taken for a whole fiscal year.
    """
    repeated = len([y for y in years if y]) > len({y for y in years if y})
    if not (quarterly or repeated) or any(_DURATION_PHRASE.search(h) or period_months(h) for h in headers[1:]):
        return headers  # the columns say their own lengths ("Three Months Ended", "2T 2024")
    seen: set[int] = set()
    first_group = repeated
    result = [headers[0]]
    for cell, year in zip(headers[1:], years, strict=False):
        if year is not None and year in seen:
            first_group = False
        result.append(f"{QUARTER if first_group else UNSTATED_LENGTH} {cell}".strip())
        if year is not None:
            seen.add(year)
    return result


def facts_from_table(table: StatementTable, kind: str, quarterly: bool = False) -> list[FactDraft]:
    if kind == StatementKind.EQUITY:
        return []  # columns are components of equity, not periods
    years = column_years(table)
    if not any(years):
        return []
    headers = with_durations(header_cells(table))
    if kind != StatementKind.BALANCE:
        headers = _flow_durations(headers, years, quarterly)
    elif quarterly:
        # An interim balance sheet: its dates are quarter ends, or a year end beside them.
        headers = [headers[0], *(f"{INTERIM_BALANCE} {h}".strip() for h in headers[1:])]
    facts: list[FactDraft] = []
    section = ""
    for row_index, (row, values) in enumerate(zip(table.rows, table.values, strict=False)):
        label = " ".join(row[0].split()) if row else ""
        if not label and section and any(v is not None for v in values[1:]):
            # An unlabelled line of figures closing a section is its total ("Revenues" → the sum).
            label = f"Total {section.lower()}"
        if not label:
            continue
        if _is_heading(row, values):
            section = label.rstrip(":")
            continue
        per_share = bool(PER_SHARE.search(label) or PER_SHARE.search(section))
        shares = bool(SHARE_COUNT.search(label) or SHARE_COUNT.search(section)) and not per_share
        unit = f"{table.currency} per share" if per_share else ("shares" if shares else table.currency)
        metric = canonical_metric(label, section, kind)
        for column, value in enumerate(values[1:], start=1):
            year = years[column - 1] if column - 1 < len(years) else None
            if value is None or year is None:
                continue
            header = headers[column] if column < len(headers) else str(year)
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
    """A canonical metric names one line per period: the preferred line (`PREFERRED_LINES`),
    else the first printed (later lines with the same meaning, such as a second 'Net income'
    in a reconciliation, keep their label only). A quarter and the year to date of the same
    fiscal year are different periods."""
    chosen: dict[tuple[str, int, int | None], int] = {}
    for index, fact in enumerate(facts):
        if fact.metric is None:
            continue
        key = (fact.metric, fact.fiscal_year, period_months(fact.period_label))
        if key not in chosen or (_preferred(fact) and not _preferred(facts[chosen[key]])):
            chosen[key] = index
    winners = set(chosen.values())
    return [
        fact if fact.metric is None or index in winners else FactDraft(**{**fact.__dict__, "metric": None})
        for index, fact in enumerate(facts)
    ]


def _preferred(fact: FactDraft) -> bool:
    pattern = PREFERRED_LINES.get(fact.metric or "")
    return bool(pattern and pattern.search(fact.line_item))


def extract_facts(tables: Sequence[StatementTable], kinds: dict[int, str], quarterly: bool = False) -> list[FactDraft]:
    """Facts of the statement tables of a filing, each of the kind of its page."""
    return extract_kind_facts([(t, kinds[t.page]) for t in tables if t.page in kinds], quarterly)


def extract_kind_facts(tables: Sequence[tuple[StatementTable, str]], quarterly: bool = False) -> list[FactDraft]:
    """Facts of statement tables of known kinds; `quarterly` for a quarterly report, whose flow
    columns are never a whole fiscal year unless their heading says so."""
    quarterly = quarterly or _shows_quarters(tables)
    facts: list[FactDraft] = []
    for table, kind in tables:
        facts.extend(facts_from_table(table, kind, quarterly))
    return _first_per_metric(facts)


def _shows_quarters(tables: Sequence[tuple[StatementTable, str]]) -> bool:
    """A report of a quarter, known by its flow statements: columns of three, six or nine months,
    or one year in two columns (a quarter beside its year to date)."""
    for table, kind in tables:
        if kind in {StatementKind.BALANCE, StatementKind.EQUITY}:
            continue
        headers = with_durations(header_cells(table))
        if any(period_months(h) in {3, 6, 9} for h in headers[1:]):
            return True
        years = [y for y in column_years(table) if y]
        if len(years) > len(set(years)):
            return True
    return False
