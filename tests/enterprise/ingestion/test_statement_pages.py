"""Statement pages the layout model misses, and pages that only look like statements: a
statement printed as plain lines (no rules, no grid) is read line by line; an index of the
financial statements is not a statement."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from enterprise.finance.statements import StatementTable, extract_facts
from enterprise.ingestion.pdf_tables import extract_page_tables, page_signals

pytestmark = pytest.mark.pure  # no database, no Redis

LINES = [
    ("Net revenues", "12,480", "11,230"),
    ("Cost of revenues", "(7,310)", "(6,905)"),
    ("Gross profit", "5,170", "4,325"),
    ("Research and development", "1,020", "950"),
    ("Selling, general and administrative", "2,100", "1,980"),
    ("Operating income", "2,050", "1,395"),
    ("Interest expense", "(120)", "(135)"),
    ("Income before income taxes", "1,930", "1,260"),
    ("Provision for income taxes", "(405)", "(265)"),
    ("Net income", "1,525", "995"),
    ("Diluted earnings per share", "3.05", "1.99"),
]


def plain_statement(path: Path) -> Path:
    """An income statement set as lines of text: labels on the left, figures right-aligned."""
    document = pymupdf.open()
    page = document.new_page(width=612, height=792)
    page.insert_text((72, 60), "NORTHWIND TRADERS, INC.", fontsize=11)
    page.insert_text((72, 76), "CONSOLIDATED STATEMENTS OF OPERATIONS", fontsize=11)
    page.insert_text((72, 92), "(In millions, except per share amounts)", fontsize=9)
    page.insert_text((420, 120), "2023", fontsize=9)
    page.insert_text((500, 120), "2022", fontsize=9)
    y = 140
    for label, current, prior in LINES:
        page.insert_text((72, y), label, fontsize=9)
        for right, text in ((445, current), (525, prior)):
            width = pymupdf.get_text_length(text, fontsize=9)
            page.insert_text((right - width, y), text, fontsize=9)
        y += 16
    page.insert_text((72, y + 20), "See accompanying notes to consolidated financial statements.", fontsize=8)
    document.save(path)
    return path


def test_a_statement_without_a_grid_is_read_line_by_line(tmp_path: Path) -> None:
    path = plain_statement(tmp_path / "northwind.pdf")
    tables = extract_page_tables(str(path), 1)
    assert len(tables) == 1
    table = tables[0]
    assert table.scale == "millions"
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Net revenues"] == ["12,480", "11,230"]
    assert rows["Provision for income taxes"] == ["(405)", "(265)"]
    assert rows["Diluted earnings per share"] == ["3.05", "1.99"]
    grid = StatementTable(table.page, table.title, table.scale, table.header, table.rows, table.values)
    facts = {(f.metric, f.fiscal_year): f.value for f in extract_facts([grid], {1: "income"}) if f.metric}
    assert facts[("revenue", 2023)] == 12480.0
    assert facts[("revenue", 2022)] == 11230.0
    assert facts[("net_income", 2022)] == 995.0
    assert facts[("income_tax", 2023)] == -405.0


def test_an_index_of_the_statements_is_not_a_statement() -> None:
    index = "\n".join(
        [
            "Index to Financial Statements",
            "Report of Independent Registered Public Accounting Firm",
            "63",
            "Consolidated Statements of Income",
            "65",
            "Consolidated Statements of Comprehensive Income",
            "66",
            "Consolidated Balance Sheets",
            "67",
            "Consolidated Statements of Cash Flows",
            "68",
            *[f"{n}. Note {n}\n{70 + n}" for n in range(1, 12)],
        ]
    )
    assert not page_signals(62, index).is_statement
    statement = "\n".join(
        ["Consolidated Statements of Income", "(In millions)", *[f"Line {n}\n{n},000" for n in range(30)]]
    )
    assert page_signals(65, statement).is_statement
