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


def _spanish_pdf_statement(path: Path) -> None:
    import pymupdf

    document = pymupdf.open()
    page = document.new_page()
    lines = [
        ("Distribuidora Andina S.A.", None, None),
        ("Estado de resultados", None, None),
        ("(en miles de pesos colombianos)", None, None),
        ("", "2024", "2023"),
        ("Ingresos por ventas", "48.250", "41.900"),
        ("Costo de ventas", "(31.120)", "(27.480)"),
        ("Utilidad bruta", "17.130", "14.420"),
        ("Gastos de administración y ventas", "(9.870)", "(8.640)"),
        ("Utilidad operativa", "7.260", "5.780"),
        ("Gastos financieros", "(1.150)", "(1.230)"),
        ("Utilidad antes de impuestos", "6.110", "4.550"),
        ("Impuesto sobre la renta", "(2.140)", "(1.590)"),
        ("Utilidad neta", "3.970", "2.960"),
        ("Las notas adjuntas son parte integral de los estados financieros.", None, None),
    ]
    for row, (label, current, previous) in enumerate(lines):
        y = 60 + 16 * row
        page.insert_text((50, y), label, fontsize=10)
        for x, figure in ((380, current), (480, previous)):
            if figure is not None:
                page.insert_text((x, y), figure, fontsize=10)
    document.save(path)


def test_a_spanish_pdf_statement_in_thousands_of_pesos_becomes_facts(tmp_path: Path) -> None:
    from enterprise.ingestion.pdf_tables import extract_page_tables
    from enterprise.ingestion.pipeline import statement_sections

    _spanish_pdf_statement(tmp_path / "resultados.pdf")
    parsed = parse(tmp_path / "resultados.pdf", "pdf")
    assert statement_sections(parsed) == {1: "Estado de resultados"}
    [table] = extract_page_tables(str(tmp_path / "resultados.pdf"), 1)
    assert (table.scale, table.currency) == ("thousands", "COP")
    statement = StatementTable(
        1, table.title, table.scale, table.header, table.rows, table.values, None, table.currency or "USD"
    )
    book = FactBook(extract_kind_facts([(statement, "income")]))
    revenue, net_income = book.get("revenue", 2024), book.get("net_income", 2023)
    assert revenue is not None
    assert net_income is not None
    # "48.250" is forty-eight thousand two hundred and fifty: the dots group thousands.
    assert (revenue.value, revenue.unit, revenue.scale) == (48_250, "COP", "thousands")
    assert net_income.value == 2_960


def test_quarter_columns_answer_for_the_quarter_never_for_the_year(tmp_path: Path) -> None:
    (tmp_path / "resultados_2T.csv").write_text(
        "Estado de resultados trimestral (en miles de euros)\n"
        "Concepto;2T 2024;2T 2023\n"
        "Ingresos por ventas;4.250;3.900\n"
        "Costo de ventas;(2.900);(2.700)\n"
        "Utilidad neta;310;250\n",
        encoding="utf-8",
    )
    [sheet] = parse(tmp_path / "resultados_2T.csv", "csv", "resultados_2T.csv").tables
    kind = statement_kind(sheet.title)
    assert kind == "income"
    table = StatementTable(1, sheet.title, sheet.scale, sheet.header, sheet.rows, sheet.values, None, "EUR")
    facts = extract_kind_facts([(table, kind)])
    assert FactBook(facts).get("revenue", 2024) is None  # a quarter is not the fiscal year
    quarter = FactBook(facts, months=3).get("revenue", 2024)
    assert quarter is not None
    assert quarter.value == 4_250
    answered = answer_from_facts(
        "¿Cuáles fueron los ingresos por ventas del segundo trimestre de 2024?", FactBook(facts), []
    )
    assert answered is not None
    assert answered.value == 4_250


def test_a_spanish_question_gets_its_figure_described_in_spanish(book: FactBook) -> None:
    from enterprise.finance.answers import describe

    ratio = answer_from_facts("¿Cuál es la razón corriente al 31/12/2024?", book, [])
    income = answer_from_facts("¿Cuál fue la utilidad operativa de 2024?", book, [])
    assert ratio is not None
    assert income is not None
    assert describe(ratio, language="es").startswith(
        "Razón corriente del ejercicio 2024: 2,2 = activo corriente / pasivo corriente, de Total activo corriente "
        "2024: 6.170 (miles de EUR) [1]"
    )
    assert describe(income, language="es") == (
        'Utilidad operativa del ejercicio 2024: 1.690 miles de EUR, tal como figura en "Utilidad operativa" [1].'
    )
    assert describe(income).startswith("Operating income for fiscal 2024: 1,690 EUR thousands")
