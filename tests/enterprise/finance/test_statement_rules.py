"""One case per rule: scale, sign, per-share values, column order, titles with broken spacing,
a statement that does not balance, and formulas the question spells out."""

from __future__ import annotations

import pytest

from enterprise.finance.answers import answer_from_facts
from enterprise.finance.checks import failed_statements, run_checks
from enterprise.finance.metrics import FactBook, compute
from enterprise.finance.periods import fiscal_year_of
from enterprise.finance.questions import parse_question
from enterprise.finance.statements import StatementTable, extract_facts, primary_statement_pages, statement_kind

pytestmark = pytest.mark.pure  # no database, no Redis


def table(
    page: int, header: list[str], rows: list[list[str]], scale: str | None = "millions", title: str = ""
) -> StatementTable:
    def number(cell: str) -> float | None:
        text = cell.replace(",", "").replace("$", "").strip()
        if not text:
            return None
        negative = text.startswith("(")
        try:
            value = float(text.strip("()"))
        except ValueError:
            return None  # a heading's words
        return -value if negative else value

    values = [[None, *[number(c) for c in row[1:]]] for row in rows]
    return StatementTable(page, title, scale, header, rows, values)  # type: ignore[arg-type]


INCOME_OLDEST_FIRST = table(
    10,
    ["", "2018", "2019", "2020"],
    [
        ["Total net sales", "100", "120", "150"],
        ["Cost of sales", "60", "70", "90"],
        ["Gross margin", "40", "50", "60"],
        ["Operating income", "10", "15", "(5)"],
        ["Income before income taxes", "10", "20", "40"],
        ["Provision for income taxes", "2", "5", "8"],
        ["Net income", "8", "15", "32"],
        ["Earnings per share:", "", "", ""],
        ["Diluted", "1.10", "2.20", "3.30"],
    ],
)
BALANCE_NEWEST_FIRST = table(
    11,
    ["(In thousands)", "December 31, 2020", "December 31, 2019"],
    [
        ["Current assets:", "", ""],
        ["Cash and cash equivalents", "50", "40"],
        ["Inventories", "30", "20"],
        ["Total current assets", "80", "60"],
        ["Total assets", "200", "180"],
        ["Total current liabilities", "40", "30"],
        ["Total liabilities", "120", "110"],
        ["Total stockholders’ equity", "80", "70"],
        ["Total liabilities and stockholders’ equity", "200", "180"],
    ],
    scale="thousands",
)
KINDS = {10: "income", 11: "balance"}


def facts() -> list:  # type: ignore[type-arg]
    return extract_facts([INCOME_OLDEST_FIRST, BALANCE_NEWEST_FIRST], KINDS)


def fact(metric: str, year: int):  # type: ignore[no-untyped-def]
    return FactBook(facts()).get(metric, year)


def test_columns_oldest_first_and_newest_first_keep_their_years() -> None:
    assert fact("revenue", 2020).value == 150
    assert fact("revenue", 2018).value == 100
    assert fact("total_assets", 2020).value == 200
    assert fact("total_assets", 2019).value == 180


def test_scale_from_the_heading_and_per_share_values_unscaled() -> None:
    assert (fact("revenue", 2020).scale, fact("revenue", 2020).unit) == ("millions", "USD")
    assert fact("revenue", 2020).scaled_value == 150e6
    assert (fact("cash", 2020).scale, fact("cash", 2020).scaled_value) == ("thousands", 50e3)
    eps = fact("eps_diluted", 2019)
    assert (eps.value, eps.scale, eps.unit, eps.section) == (2.2, None, "USD per share", "Earnings per share")


def test_signs_are_kept() -> None:
    assert fact("operating_income", 2020).value == -5


def test_broken_titles_are_still_statements() -> None:
    assert statement_kind("CONSOLIDATEDBALANCESHEETS") == "balance"
    assert statement_kind("Consolidated Statements of Cash Flows") == "cash_flow"
    assert statement_kind("CONSOLIDATED STATEMENTS OF COMPREHENSIVE INCOME") == "comprehensive_income"
    assert statement_kind("Consolidated Statements of Earnings") == "income"
    assert statement_kind("Consolidated Statement of Changes in Equity") == "equity"
    pages = primary_statement_pages(
        {
            38: "Cash Flows",
            39: "Operations",
            40: "Balance Sheets",
            41: "Balance Sheets",
            53: "Cash Flows Reconciliation",
        }
    )
    assert pages == {38: "cash_flow", 39: "income", 40: "balance", 41: "balance"}


def test_a_statement_that_does_not_balance_is_flagged() -> None:
    broken = table(11, ["", "2020"], [["Total assets", "200"], ["Total liabilities and equity", "190"]])
    results = run_checks(extract_facts([broken], {11: "balance"}))
    assert failed_statements(results) == {("balance", 2020)}
    assert run_checks(facts())
    assert not failed_statements(run_checks(facts()))


def test_metrics_follow_their_formulas() -> None:
    book = FactBook(facts())
    assert compute(book, "gross_margin", 2020).value == 40.0  # type: ignore[union-attr]
    assert compute(book, "effective_tax_rate", 2020).value == 20.0  # type: ignore[union-attr]
    assert compute(book, "current_ratio", 2020).value == 2.0  # type: ignore[union-attr]
    assert round(compute(book, "quick_ratio", 2020).value, 4) == 1.25  # type: ignore[union-attr]
    # Averages of opening and closing balances.
    assert round(compute(book, "dio", 2020).value, 2) == round(25 / 90 * 365, 2)  # type: ignore[union-attr]
    assert compute(book, "roe", 2020).value == round(32 / 75 * 100, 4)  # type: ignore[union-attr]


def test_questions_that_define_their_own_formula() -> None:
    book = FactBook(facts())
    asked = parse_question("What was the ratio computed as cost of sales divided by total net sales in 2020?")
    assert asked.target is not None
    assert asked.target.describe() == "(cost of sales / revenue 2020)"
    answer = answer_from_facts(
        "What was cost of sales as a share of sales (cost of sales / total net sales) in 2020?", book, [2020]
    )
    assert answer is not None
    assert answer.value == 60.0
    assert answer.unit == "%"
    growth = answer_from_facts("What was revenue growth in 2020?", book, [2020])
    assert growth is not None
    assert growth.value == 25.0
    assert answer_from_facts("What were iPhone net sales in 2020?", book, [2020]) is None


def test_quarterly_columns_never_answer_for_a_fiscal_year() -> None:
    spanning = table(
        5,
        ["", "Three Months Ended July 29, 2023", "July 30, 2022", "Six Months Ended July 29, 2023", "July 30, 2022"],
        [["Revenue", "9,583", "10,329", "19,050", "20,976"], ["Net earnings", "274", "306", "516", "649"]],
    )
    facts = extract_facts([spanning], {5: "income"})
    quarter = FactBook(facts, months=3)
    assert quarter.get("revenue", 2023).value == 9583.0  # type: ignore[union-attr]
    assert FactBook(facts, months=6).get("revenue", 2022).value == 20976.0  # type: ignore[union-attr]
    assert FactBook(facts).get("revenue", 2023) is None
    assert answer_from_facts("What was revenue in fiscal 2023?", FactBook(facts), [2023]) is None
    quarter_answer = answer_from_facts("What was revenue in Q2 of fiscal 2023?", FactBook(facts), [2023])
    assert quarter_answer is not None
    assert quarter_answer.value == 9583.0


def test_unlabelled_periods_of_a_quarterly_report_are_not_years() -> None:
    # The same year twice: a quarter, then a year to date whose length the heading lost.
    repeated = table(6, ["", "2023", "2022", "2023", "2022"], [["Net sales", "3,942", "3,264", "7,815", "6,119"]])
    facts = extract_facts([repeated], {6: "income"})
    assert FactBook(facts, months=3).get("revenue", 2023).value == 3942.0  # type: ignore[union-attr]
    assert FactBook(facts).get("revenue", 2023) is None
    # A 10-Q's cash-flow statement prints only years: in a quarterly report they are not fiscal years.
    cash = table(7, ["", "2023", "2022"], [["Net cash provided by operating activities", "695", "432"]])
    assert FactBook(extract_facts([cash], {7: "cash_flow"}, quarterly=True)).get("operating_cash_flow", 2023) is None
    assert FactBook(extract_facts([cash], {7: "cash_flow"})).get("operating_cash_flow", 2023) is not None


def test_the_parents_net_income_not_the_minoritys() -> None:
    income = table(
        8,
        ["", "2022", "2021"],
        [
            [
                "Net earnings, including earnings attributable to redeemable and noncontrolling interests",
                "2,735",
                "2,346",
            ],
            ["Net earnings attributable to redeemable and noncontrolling interests", "27.7", "6.2"],
            ["Net earnings attributable to General Goods", "2,707.3", "2,339.8"],
        ],
    )
    book = FactBook(extract_facts([income], {8: "income"}))
    assert book.get("net_income", 2022).value == 2707.3  # type: ignore[union-attr]


def test_headings_found_under_the_title_and_unlabelled_totals() -> None:
    statement = table(
        9,
        ["", "", "", ""],
        [
            ["Consolidated Statements of Operations", "", "", ""],
            ["(In thousands)", "", "Year Ended December", "31,"],
            ["", "2020", "2019", "2018"],
            ["Revenues", "", "", ""],
            ["Casino", "2,871", "6,517", "5,753"],
            ["Rooms", "830", "2,322", "2,212"],
            ["", "3,701", "8,839", "7,965"],
        ],
    )
    book = FactBook(extract_facts([statement], {9: "income"}))
    assert book.years() == [2018, 2019, 2020]
    assert book.get("revenue", 2019).value == 8839.0  # type: ignore[union-attr]
    shifted = table(
        10,
        ["", "", "", ""],
        [
            ["In millions, except per share amounts 2018", "", "2017", ""],
            ["Total current assets", "45,243", "", "31,229"],
            ["Total assets", "196,456", "", "95,131"],
        ],
    )
    balance = FactBook(extract_facts([shifted], {10: "balance"}))
    assert balance.get("total_assets", 2018).value == 196456.0  # type: ignore[union-attr]
    assert balance.get("total_assets", 2017).value == 95131.0  # type: ignore[union-attr]


def test_the_statements_are_the_cluster_not_a_page_that_mentions_them() -> None:
    pages = primary_statement_pages(
        {
            51: "This data should be read in conjunction with our Consolidated Statements of Cash Flows.",
            59: "Consolidated Balance Sheets",
            60: "Consolidated Statements of Income",
            61: "Consolidated Statements of Comprehensive Income",
            62: "Consolidated Statements of Stockholders' Equity",
            63: "Consolidated Statements of Cash Flows",
        }
    )
    assert pages[63] == "cash_flow"
    assert 51 not in pages


def test_a_quarterly_reports_balance_sheet_answers_for_its_quarter_only() -> None:
    income = table(11, ["", "Three Months Ended 2023", "2022"], [["Net sales", "3,642", "3,507"]])
    balance = table(
        12,
        ["", "December 31, 2022", "June 30, 2022"],
        [["Total current assets", "5,853", "5,853"], ["Total current liabilities", "4,963", "5,779"]],
    )
    facts = extract_facts([income, balance], {11: "income", 12: "balance"})
    assert FactBook(facts).get("current_assets", 2022) is None
    assert FactBook(facts, months=3).get("current_liabilities", 2022).value == 4963.0  # type: ignore[union-attr]
    annual = extract_facts([balance], {12: "balance"})
    assert FactBook(annual).get("current_liabilities", 2022).value == 4963.0  # type: ignore[union-attr]


def test_a_year_ending_in_the_first_days_of_january_is_the_year_before() -> None:
    assert fiscal_year_of("Fiscal Year Ended January 1, 2023") == 2022
    assert fiscal_year_of("January 31, 2020") == 2020  # a retailer's fiscal 2020
    assert fiscal_year_of("December 31, 2022") == 2022
    weeks = table(13, ["", "January 1, 2023", "January 2, 2022"], [["Net earnings", "17,941", "20,878"]])
    assert FactBook(extract_facts([weeks], {13: "income"})).get("net_income", 2022).value == 17941.0  # type: ignore[union-attr]


def test_net_property_plant_and_equipment_not_the_gross() -> None:
    gross_then_net = table(
        14,
        ["", "2023", "2022"],
        [
            ["Property, plant and equipment", "9,000", "8,000"],
            ["Less: accumulated depreciation", "(3,000)", "(2,500)"],
            ["Property, plant and equipment, net", "6,000", "5,500"],
        ],
    )
    assert FactBook(extract_facts([gross_then_net], {14: "balance"})).get("ppe_net", 2023).value == 6000.0  # type: ignore[union-attr]
    only_one = table(15, ["", "2023"], [["Property, plant and equipment", "13,745"]])
    assert FactBook(extract_facts([only_one], {15: "balance"})).get("ppe_net", 2023).value == 13745.0  # type: ignore[union-attr]


def test_exports_write_formula_like_text_as_text() -> None:
    import csv
    import io
    import uuid

    import openpyxl

    from enterprise.finance.models import FinancialFact
    from enterprise.finance.service import export_facts

    hostile = FinancialFact(
        company='=HYPERLINK("http://evil.example","click")',
        fiscal_year=2023,
        period_label="2023",
        statement="income",
        section="@SUM(A1:A9)",
        line_item="-Net revenues+1",
        metric="revenue",
        value=-1250.0,
        scale="millions",
        unit="USD",
        page=3,
        flagged=False,
        document_id=uuid.uuid4(),
    )
    rows = list(csv.DictReader(io.StringIO(export_facts([hostile], "csv").decode())))
    assert rows[0]["company"].startswith("'=HYPERLINK")
    assert rows[0]["section"] == "'@SUM(A1:A9)"
    assert rows[0]["line_item"] == "'-Net revenues+1"
    assert rows[0]["value"] == "-1250.0"  # a number stays a number
    sheet = openpyxl.load_workbook(io.BytesIO(export_facts([hostile], "xlsx"))).active
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}
    assert cells["company"].data_type == "s"
    assert cells["company"].value.startswith("'=")
    assert cells["value"].value == -1250.0
