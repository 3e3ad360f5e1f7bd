"""Questions answered from a table's cells, exactly, and the ones a table must not answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from enterprise.ingestion.parsers import parse
from enterprise.tables.frame import ColumnKind, DataTable, build
from enterprise.tables.lexicon import Operation, tokens
from enterprise.tables.query import TableResult, answer

pytestmark = pytest.mark.pure  # no database, no Redis

BUSINESS = Path(__file__).parents[2] / "data" / "business"


def _table(name: str, file_format: str, index: int = 0) -> DataTable:
    grid = parse(BUSINESS / name, file_format, name).tables[index]
    table = build(None, None, grid.page, grid.title, grid.scale, grid.currency, grid.header, grid.rows, grid.values)
    assert table is not None
    return table


@pytest.fixture(scope="module")
def sales() -> DataTable:
    return _table("ventas_2024.csv", "csv")


def ask(table: DataTable, question: str, file_name: str = "ventas_2024") -> TableResult | None:
    return answer(question, table, tokens(file_name))


def test_columns_are_typed_with_their_units(sales: DataTable) -> None:
    kinds = {c.name: (c.kind, c.unit) for c in sales.columns}
    assert kinds["Región"] == (ColumnKind.LABEL, None)
    assert kinds["Ventas (€)"] == (ColumnKind.NUMBER, "EUR")
    assert kinds["Unidades"] == (ColumnKind.NUMBER, None)
    assert kinds["Margen bruto %"] == (ColumnKind.NUMBER, "%")
    # Spanish thousands separators read as thousands, not decimals.
    assert sales.frame["c3"].iloc[0] == 850_250


@pytest.mark.parametrize(
    ("question", "value", "operation"),
    [
        ("¿Cuánto vendió la región Norte en marzo?", 905_730, None),
        ("What were the sales of the Sur region in February?", 655_480, None),
        ("¿Cuál fue el total de ventas del segundo trimestre?", 8_908_180, Operation.SUM),
        ("What were the average monthly sales of the Centro region?", 1_228_380, Operation.AVERAGE),
        ("¿Cuántas unidades se vendieron en total en el primer trimestre?", 11_526, Operation.SUM),
        ("What were the total costs in April?", 2_026_613, Operation.SUM),
        ("¿Cuál fue la diferencia entre ventas y costes de la región Sur en mayo?", 202_942, Operation.DIFFERENCE),
        ("¿En cuántos meses las ventas de la región Centro superaron 1.200.000 euros?", 4, Operation.COUNT),
        ("How many units did the Norte region sell in the first half of 2024?", 7_730, Operation.SUM),
        ("¿Cuál fue el margen bruto de la región Centro en enero?", 27.9, None),
    ],
)
def test_cells_filters_and_aggregates(sales: DataTable, question: str, value: float, operation: Operation) -> None:
    result = ask(sales, question)
    assert result is not None
    assert result.value == pytest.approx(value)
    assert result.operation == operation


def test_growth_between_two_periods_named_in_either_language(sales: DataTable) -> None:
    months = ask(sales, "¿Cuánto crecieron las ventas de la región Norte entre enero y junio?")
    quarters = ask(sales, "By how much did total sales grow from Q1 to Q2 2024, in percent?")
    assert months is not None
    assert quarters is not None
    assert (round(months.value, 2), months.unit) == (19.10, "%")
    assert (round(quarters.value, 2), quarters.unit) == (9.29, "%")
    assert quarters.compared == ["quarter:1", "quarter:2"]


def test_the_best_and_worst_of_a_grouping_name_the_group(sales: DataTable) -> None:
    month = ask(sales, "¿Qué mes tuvo las mayores ventas en la región Sur?")
    region = ask(sales, "Which region had the highest sales in the second quarter?")
    lowest = ask(sales, "¿Qué región tuvo las menores ventas en junio?")
    assert month is not None
    assert (month.group_label, month.value) == ("Junio", 802_310)
    assert region is not None
    assert (region.group_label, region.value) == ("Centro", 3_784_600)
    assert lowest is not None
    assert (lowest.group_label, lowest.value) == ("Sur", 802_310)
    # The rows the figure was computed from: the Centro rows of April, May and June.
    assert region.rows == [10, 13, 16]


@pytest.mark.parametrize(
    "question",
    [
        "¿Cuánto vendió la región Norte en marzo a clientes nuevos?",  # names what the table does not hold
        "¿Cuánto vendió la región Oeste en marzo?",  # a region it does not have
        "What were the sales in July?",  # a month it does not have
        "¿Cuál fue el margen bruto de la región Norte?",  # percentages of six months do not add up
        "¿Cuánto crecieron las ventas de la región Norte?",  # growth between which periods?
        "What were the sales in January and March?",  # which of the two, or both?
        "How many employees does the company have?",  # no such column
    ],
)
def test_a_table_does_not_answer_what_it_does_not_explain(sales: DataTable, question: str) -> None:
    assert ask(sales, question) is None


def test_a_docx_table_answers_by_its_product_label() -> None:
    prices = _table("contrato_suministro.docx", "docx")
    assert prices.title == "3. Precios"
    five_litres = ask(
        prices, "¿Cuál es el precio unitario del aceite de oliva virgen extra 5 L?", "contrato_suministro"
    )
    tuna = ask(prices, "What is the unit price of the Atún en aceite de oliva 250 g?", "contrato_suministro")
    assert five_litres is not None
    assert (five_litres.value, five_litres.unit) == (32.5, "EUR")
    assert tuna is not None
    assert tuna.value == 3.15


def test_a_json_list_of_records_is_a_table(tmp_path: Path) -> None:
    (tmp_path / "canales.json").write_text(
        '{"empresa": "Comercial Iberia S.L.", "ventas_por_canal": ['
        '{"canal": "Tiendas", "ventas_eur": 5200000, "pedidos": 41000},'
        '{"canal": "Online", "ventas_eur": 2100000, "pedidos": 18500},'
        '{"canal": "Mayorista", "ventas_eur": 1600000, "pedidos": 900}]}',
        encoding="utf-8",
    )
    [grid] = parse(tmp_path / "canales.json", "json", "canales.json").tables
    assert (grid.title, grid.header) == ("canales › ventas por canal", ["canal", "ventas eur", "pedidos"])
    table = build(None, None, 1, grid.title, grid.scale, grid.currency, grid.header, grid.rows, grid.values)
    assert table is not None
    online = ask(table, "¿Cuánto vendió el canal Online?", "canales")
    most = ask(table, "Which channel had the most orders?", "canales")
    total = ask(table, "What were total sales across channels?", "canales")
    assert online is not None
    assert (online.value, online.unit) == (2_100_000, "EUR")
    assert most is not None
    assert (most.group_label, most.value) == ("Tiendas", 41_000)
    assert total is not None
    assert total.value == 8_900_000
