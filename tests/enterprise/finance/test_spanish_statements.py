"""Statements in a spreadsheet, labelled in Spanish and in thousands of euros, become facts with
the same metrics as a 10-K's; Spanish questions name them."""

from __future__ import annotations

from pathlib import Path

import pytest

from enterprise.finance.answers import answer_from_facts
from enterprise.finance.metrics import FactBook, compute
from enterprise.finance.statements import StatementTable, extract_kind_facts, statement_kind
from enterprise.ingestion.parsers import parse

pytestmark = pytest.mark.pure  # no database, no Redis

BUSINESS = Path(__file__).parents[2] / "data" / "business"


@pytest.fixture(scope="module")
def book() -> FactBook:
    sheets = parse(BUSINESS / "estados_financieros_2024.xlsx", "xlsx").tables
    tables = []
    for sheet in sheets:
        kind = statement_kind(sheet.title)
        assert kind is not None, sheet.title
        table = StatementTable(
            sheet.page, sheet.title, sheet.scale, sheet.header, sheet.rows, sheet.values, None, sheet.currency or "USD"
        )
        tables.append((table, kind))
    return FactBook(extract_kind_facts(tables))


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Balance general al 31 de diciembre", "balance"),
        ("Estado de situación financiera", "balance"),
        ("Cuenta de pérdidas y ganancias", "income"),
        ("Estado de resultados integrales", "comprehensive_income"),
        ("Estado de flujos de efectivo", "cash_flow"),
        ("Estado de cambios en el patrimonio", "equity"),
        ("Ventas por mes y región", None),
    ],
)
def test_spanish_statement_titles(title: str, kind: str | None) -> None:
    assert statement_kind(title) == kind


def test_spanish_line_items_are_facts_in_euros(book: FactBook) -> None:
    revenue = book.get("revenue", 2024)
    assert revenue is not None
    assert (revenue.line_item, revenue.value, revenue.unit, revenue.scale) == (
        "Ingresos por ventas",
        16_420,
        "EUR",
        "thousands",
    )
    expected = {
        "net_income": 1_110,
        "operating_income": 1_690,
        "current_assets": 6_170,
        "current_liabilities": 2_800,
        "total_equity": 5_500,
        "long_term_debt": 2_900,
        "operating_cash_flow": 1_475,
        "capex": -765,
    }
    assert {m: book.get(m, 2024).value for m in expected} == expected  # type: ignore[union-attr]
    # The balance sheet's columns are dated "31/12/2023": that is fiscal 2023.
    assert book.get("total_assets", 2023).value == 10_090  # type: ignore[union-attr]


def test_ratios_from_spanish_statements(book: FactBook) -> None:
    current = compute(book, "current_ratio", 2024)
    margin = compute(book, "net_margin", 2024)
    assert current is not None
    assert round(current.value, 2) == 2.20
    assert margin is not None
    assert round(margin.value, 2) == 6.76
    assert compute(book, "revenue", 2024).unit == "EUR thousands"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("¿Cuál es la razón corriente al 31/12/2024?", 2.2036),
        ("¿Cuál fue el margen neto en 2024?", 6.7600),
        ("¿Cuánto crecieron los ingresos por ventas en 2024?", 10.5724),
        ("¿Cuál era el total de activos al 31 de diciembre de 2023?", 10_090),
        ("¿Cuánto se invirtió en propiedades, planta y equipo (capex) en 2024?", 765),
        ("¿Cuál fue el flujo de efectivo de operación en 2024?", 1_475),
    ],
)
def test_spanish_questions_over_the_facts(book: FactBook, question: str, value: float) -> None:
    answered = answer_from_facts(question, book, [])
    assert answered is not None, question
    # Ratios and percentages are stated to two decimals.
    assert abs(answered.value) == pytest.approx(value, abs=0.006)
