"""Spreadsheets, CSV files and document tables read as data."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from enterprise.ingestion.metadata import infer_metadata
from enterprise.ingestion.parsers import parse
from enterprise.ingestion.sheets import csv_rows, split_grid
from enterprise.numbers import detect_currency, detect_scale, parse_row_numbers

pytestmark = pytest.mark.pure  # no database, no Redis

BUSINESS = Path(__file__).parents[2] / "data" / "business"


def test_the_header_is_found_under_title_lines_and_a_blank_line() -> None:
    table = parse(BUSINESS / "ventas_2024.csv", "csv", "ventas_2024.csv").tables[0]
    assert table.header == ["Mes", "Trimestre", "Región", "Ventas (€)", "Costes (€)", "Unidades", "Margen bruto %"]
    assert table.title.startswith("ventas_2024 · Comercial Iberia S.L. - Ventas por mes y región")
    assert (table.currency, len(table.rows)) == ("EUR", 18)
    assert table.values[0][3:] == [850_250, 613_680, 1_204, 27.8]


def test_a_comma_in_a_title_line_does_not_make_the_file_comma_separated() -> None:
    rows = csv_rows("Informe de ventas, 2024 (euros)\nRegión;Ventas\nNorte;1.250,5\nSur;980\n")
    assert rows[1:] == [["Región", "Ventas"], ["Norte", "1.250,5"], ["Sur", "980"]]


def test_each_column_is_read_in_its_own_number_format() -> None:
    # "1.250" alone could be either; its column's other cells say it is Spanish.
    values = parse_row_numbers([["Norte", "1.250", "12.5"], ["Sur", "2.315.400", "7.25"]], skip_first=True)
    assert values == [[None, 1250.0, 12.5], [None, 2315400.0, 7.25]]


@pytest.mark.parametrize(
    ("title", "scale", "currency"),
    [
        ("(en miles de euros)", "thousands", "EUR"),
        ("Cifras expresadas en millones de pesos mexicanos", "millions", "MXN"),
        ("Estado de resultados (miles de millones de dólares)", "billions", "USD"),
        ("(In millions, except per share amounts)", "millions", None),
        ("Importes en €", None, "EUR"),
    ],
)
def test_scale_and_currency_from_titles(title: str, scale: str | None, currency: str | None) -> None:
    assert (detect_scale(title), detect_currency(title)) == (scale, currency)


def test_statement_sheets_keep_title_scale_currency_and_dates(tmp_path: Path) -> None:
    tables = parse(BUSINESS / "estados_financieros_2024.xlsx", "xlsx").tables
    balance = tables[0]
    assert (balance.sheet, balance.scale, balance.currency) == ("Balance general", "thousands", "EUR")
    assert balance.header == ["Concepto", "31/12/2024", "31/12/2023"]
    # A date cell is written the way the sheet's readers write it.
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    import datetime

    sheet.append(["Fecha", "Importe"])
    sheet.append([datetime.date(2024, 12, 31), 10])
    workbook.save(tmp_path / "dates.xlsx")
    assert parse(tmp_path / "dates.xlsx", "xlsx").tables[0].rows == [["31/12/2024", "10"]]


def test_a_docx_table_is_titled_by_the_heading_above_it() -> None:
    table = parse(BUSINESS / "contrato_suministro.docx", "docx").tables[0]
    assert table.title == "3. Precios"
    assert table.values[0][2] == 32.5


def test_json_values_keep_their_key_paths_in_words() -> None:
    text = parse(BUSINESS / "kpis_comerciales.json", "json").pages[0].text
    assert "kpis comerciales › por region › Norte › nps: 47" in text.splitlines()


def test_a_grid_with_no_title_keeps_its_first_row_as_header() -> None:
    sheet = split_grid([["Producto", "Precio"], ["A", "1"], ["B", "2"]])
    assert (sheet.title_lines, sheet.header) == ([], ["Producto", "Precio"])


@pytest.mark.parametrize(
    ("text", "file_name", "company"),
    [
        ("ventas_2024 · Comercial Iberia S.L. - Ventas por mes", "ventas_2024.csv", "Comercial Iberia S.L."),
        ("Grupo Bimbo, S.A.B. de C.V. reporta sus resultados", "informe_trimestral.pdf", "Grupo Bimbo, S.A.B. de C.V."),
        # A contract names two parties: whose document it is, it does not say.
        ("Contrato entre Aceites del Turia S.A. y Comercial Iberia S.L.; las partes acuerdan", "contrato.docx", None),
        ("Minutes of the weekly sales meeting.", "startup-x_budget_2024.xlsx", "Startup-X"),
        # Hyphens join a name's words and its year alike: "ventas-2024" says what, not whose.
        ("Mes;Ventas (€)\nenero;1.200,50", "ventas-2024.csv", None),
        ("Mes;Ventas (€)\nenero;1.200,50", "Ventas-Marzo-2024.csv", None),
        ("Revenue by month", "acme-corp-2023.xlsx", "Acme-Corp"),
    ],
)
def test_company_from_the_legal_name_when_the_file_name_says_what_not_whose(
    text: str, file_name: str, company: str | None
) -> None:
    assert infer_metadata(text, file_name).company == company
