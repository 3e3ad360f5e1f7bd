"""The financial statements of every corpus filing come out as clean tables: one column per
period, numbers with their sign, the printed scale."""

from __future__ import annotations

import pymupdf
import pytest

from enterprise.ingestion.pdf_tables import align_rows, extract_page_tables, page_signals
from tests.shared_data import CORPUS, corpus, eval_json

pytestmark = [pytest.mark.pure, *corpus]  # no database, no Redis; the corpus filings

STATEMENTS = eval_json("statements.json")
STATEMENT_PAGES = [
    (filing, kind, page)
    for filing, info in STATEMENTS.items()
    for kind, pages in info["statement_pages"].items()
    for page in pages
]


@pytest.mark.parametrize(
    ("filing", "kind", "page"), STATEMENT_PAGES, ids=[f"{f[:-8]}-{k}-{p}" for f, k, p in STATEMENT_PAGES]
)
def test_statement_pages_become_period_tables(filing: str, kind: str, page: int) -> None:
    tables = extract_page_tables(str(CORPUS / filing), page)
    assert tables, "no table found"
    main = max(tables, key=lambda t: sum(v is not None for row in t.values for v in row))
    periods = main.header[1:]
    assert 2 <= len(periods) <= 3
    assert all(any(str(year) in period for year in range(2015, 2022)) for period in periods), periods
    assert main.scale == "millions"
    numbers = [v for row in main.values for v in row[1:] if v is not None]
    assert len(numbers) >= 25
    assert all(len(row) == len(main.header) for row in main.rows)


def test_statement_pages_are_primary_candidates() -> None:
    for filing, _kind, page in STATEMENT_PAGES:
        with pymupdf.open(CORPUS / filing) as document:
            assert page_signals(page, document[page - 1].get_text()).is_primary, (filing, page)


def _row(table, label: str) -> list[float | None]:  # type: ignore[no-untyped-def]
    for row, values in zip(table.rows, table.values, strict=True):
        if row[0].startswith(label):
            return values[1:]  # type: ignore[no-any-return]
    raise AssertionError(f"{label!r} not in {[r[0] for r in table.rows]}")


def test_newest_first_and_oldest_first_columns_keep_their_periods() -> None:
    apple = extract_page_tables(str(CORPUS / "APPLE_2019_10K.pdf"), 32)[0]
    assert apple.header[1].endswith("2019")
    assert _row(apple, "Total net sales") == [260174.0, 265595.0, 229234.0]
    amazon = extract_page_tables(str(CORPUS / "AMAZON_2020_10K.pdf"), 39)[0]
    assert amazon.header[1:] == ["2018", "2019", "2020"]
    assert _row(amazon, "Total net sales") == [232887.0, 280522.0, 386064.0]


def test_parenthesised_outflows_are_negative() -> None:
    cash_flows = extract_page_tables(str(CORPUS / "APPLE_2019_10K.pdf"), 36)[0]
    assert _row(cash_flows, "Payments for dividends and dividend equivalents") == [-14119.0, -13712.0, -12769.0]


def test_dollar_signs_in_their_own_cells_do_not_shift_columns() -> None:
    rows = [
        ("Revenue", [(320.0, "$"), (380.0, "43,638"), (410.0, "$"), (470.0, "42,879")]),
        ("Cost of sales", [(380.0, "33,590"), (470.0, "32,918")]),
        ("Gross profit", [(381.0, "10,048"), (469.0, "9,961")]),
    ]
    header, body = align_rows(rows, [(378.0, "2020"), (468.0, "2019"), (200.0, "Fiscal")])
    assert header == ["", "2020", "2019"]
    assert body == [
        ["Revenue", "43,638", "42,879"],
        ["Cost of sales", "33,590", "32,918"],
        ["Gross profit", "10,048", "9,961"],
    ]
