"""The question parser on paraphrases written for these tests (never the evaluation sets'
questions): preambles, statement instructions, units, rounding, fiscal-year notations,
abbreviations, formulas the question defines, averages, growth, and refusals of a part of
the company, in English and Spanish. Each is answered from a small filing built here."""

from __future__ import annotations

import pytest

from enterprise.finance.answers import answer_from_facts, describe, related_figures
from enterprise.finance.metrics import FactBook
from enterprise.finance.questions import parse_question, search_text
from enterprise.finance.statements import extract_facts
from tests.enterprise.finance.test_statement_rules import table

pytestmark = pytest.mark.pure  # no database, no Redis

# Three fiscal years of a made-up company, in millions: income, balance and cash flows.
INCOME = table(
    20,
    ["(In millions)", "2023", "2022", "2021"],
    [
        ["Net revenues", "12,000", "10,000", "8,000"],
        ["Cost of goods sold", "7,200", "6,500", "5,000"],
        ["Gross profit", "4,800", "3,500", "3,000"],
        ["Selling, general and administrative expenses", "2,400", "2,000", "1,900"],
        ["Operating income", "2,400", "1,500", "1,100"],
        ["Interest expense", "200", "150", "100"],
        ["Income before income taxes", "2,200", "1,350", "1,000"],
        ["Provision for income taxes", "440", "270", "200"],
        ["Net income", "1,800", "1,100", "820"],
        ["Less: net income attributable to noncontrolling interests", "40", "20", "20"],
        ["Net income attributable to Acme Corp.", "1,760", "1,080", "800"],
        ["Earnings per share:", "", "", ""],
        ["Diluted", "3.52", "2.16", "1.60"],
    ],
)
BALANCE = table(
    21,
    ["(In millions)", "December 31, 2023", "December 31, 2022"],
    [
        ["Cash and cash equivalents", "1,500", "1,000"],
        ["Accounts receivable, net", "2,000", "1,600"],
        ["Inventories", "1,800", "1,400"],
        ["Total current assets", "5,300", "4,000"],
        ["Property, plant and equipment, net", "6,000", "5,000"],
        ["Total assets", "15,000", "13,000"],
        ["Accounts payable", "1,100", "900"],
        ["Total current liabilities", "3,000", "2,500"],
        ["Long-term debt", "4,000", "4,500"],
        ["Total liabilities", "8,000", "7,800"],
        ["Total shareholders' equity", "7,000", "5,200"],
        ["Total liabilities and shareholders' equity", "15,000", "13,000"],
    ],
)
CASH_FLOWS = table(
    22,
    ["(In millions)", "2023", "2022", "2021"],
    [
        ["Net income", "1,800", "1,100", "820"],
        ["Depreciation and amortization", "600", "550", "500"],
        ["Net cash provided by operating activities", "2,700", "2,000", "1,500"],
        ["Capital spending", "(1,250)", "(900)", "(700)"],
        ["Net cash used for investing activities", "(1,300)", "(950)", "(750)"],
        ["Dividends paid", "(528)", "(400)", "(300)"],
        ["Net cash used for financing activities", "(900)", "(1,000)", "(600)"],
    ],
)
BOOK = FactBook(extract_facts([INCOME, BALANCE, CASH_FLOWS], {20: "income", 21: "balance", 22: "cash_flow"}))
ACME = frozenset({"acme"})


def ask(question: str) -> float | None:
    answer = answer_from_facts(question, BOOK, [], ACME)
    return None if answer is None else answer.value


PARAPHRASES: list[tuple[str, float]] = [
    # Plain amounts, with the company's name in several places and the unit asked for.
    ("What was Acme's FY2023 revenue in USD millions?", 12000.0),
    ("How much revenue did Acme report for fiscal year 2022?", 10000.0),
    ("Relying only on the statement of income, what were Acme's total net revenues in FY23?", 12000.0),
    ("What is the fiscal 2023 capital expenditure of Acme (in USD billions)? Round to one decimal place.", 1.3),
    ("Looking solely at the cash flow statement, what did Acme spend on capex in FY2022 (in USD millions)?", 900.0),
    ("What is Acme's year end FY2023 net PP&E in USD millions?", 6000.0),
    ("Using the balance sheet, what is the FY2022 net property, plant and equipment for Acme?", 5000.0),
    ("What was the net income attributable to shareholders of Acme in FY2023 (USD millions)?", 1760.0),
    ("Please give Acme's FY2023 D&A from the cash flow statement in millions.", 600.0),
    ("What were Acme's SG&A expenses in FY2021?", 1900.0),
    ("What was Acme's COGS for fiscal 2023, in USD thousands?", 7200000.0),
    ("What was the diluted EPS of Acme in FY2022?", 2.16),
    ("What is Acme's FY2023 free cash flow in USD millions?", 1450.0),
    # Ratios and margins, named or abbreviated, with rounding.
    ("What is the FY2023 gross margin for Acme? Round your answer to one decimal place.", 40.0),
    ("What is Acme's FY2022 operating margin (as a %)? Round to two decimal places.", 15.0),
    ("As an equity analyst reading the income statement, what was Acme's FY2023 net profit margin?", 14.67),
    ("What is the current ratio of Acme at the end of FY2023? Round to two decimals.", 1.77),
    ("What is Acme's FY2023 quick ratio? Round your answer to two decimal places.", 1.17),
    ("Compute Acme's FY2023 unadjusted EBITDA in USD millions.", 3000.0),
    ("What is the FY2023 EBITDA margin for Acme, in percent, rounded to one decimal?", 25.0),
    ("What was the FY2023 effective tax rate of Acme?", 20.0),
    ("What is Acme's FY2023 working capital in USD millions?", 2300.0),
    ("What is Acme's FY2023 retention ratio? Round to two decimal places.", 0.7),
    ("What is the FY2023 dividend payout ratio for Acme? Round to two decimal places.", 0.3),
    ("What is the FY2023 inventory turnover ratio for Acme? Round your answer to two decimal places.", 4.5),
    ("What was Acme's FY2023 asset turnover? Round to two decimals.", 0.86),
    # Formulas the question defines, in words or symbols, over one or two statements.
    (
        "We want a liquidity measure. Here's the question: what is Acme's FY2023 cash ratio? The cash ratio is "
        "defined as: cash and cash equivalents / total current liabilities. Round to two decimal places.",
        0.5,
    ),
    (
        "What is the FY2023 leverage for Acme? Define leverage as total liabilities divided by total assets. "
        "Round your answer to two decimal places.",
        0.53,
    ),
    (
        "What is Acme's FY2023 capital intensity? Capital intensity is calculated as: capital spending / net "
        "revenues. Answer in percent, rounded to one decimal place.",
        10.4,
    ),
    (
        "What is FY2023 DPO for Acme? DPO is defined as: 365 * (average accounts payable between FY2022 and FY2023) "
        "/ (FY2023 COGS + change in inventory between FY2022 and FY2023). Round to two decimal places.",
        48.03,
    ),
    (
        "What is the FY2023 return on average equity for Acme? It is defined as: FY2023 net income / (average total "
        "shareholders' equity between FY2022 and FY2023). Round to two decimal places.",
        0.29,
    ),
    # Averages, growth and compound growth over the years shown.
    ("What is Acme's FY2021 - FY2023 3 year average gross margin? Answer in percent, one decimal place.", 37.5),
    ("What is the three year average of capex as a % of revenue for Acme from FY2021 to FY2023?", 9.39),
    ("What was Acme's year-over-year revenue growth from FY2022 to FY2023 (in percent)?", 20.0),
    ("By how much did Acme's operating income change from FY2022 to FY2023 (in units of percents)?", 60.0),
    ("What is Acme's 2 year revenue CAGR from FY2021 to FY2023? Answer in percent, one decimal.", 22.5),
    ("What is the FY2021-FY2023 2 year revenue CAGR for Acme?", 22.47),
    ("How much (in USD billions) did Acme pay out in cash dividends for FY2023?", 0.528),
    (
        "What is Acme's FY2023 net working capital? Define net working capital as total current assets less "
        "total current liabilities.",
        2300.0,
    ),
    # Spanish.
    ("¿Cuál fue la utilidad neta de Acme en el año fiscal 2023?", 1760.0),
    ("¿Cuánto fueron los ingresos de Acme en 2022 (en millones)?", 10000.0),
    ("¿Cuál fue la razón corriente de Acme en 2023? Redondea a dos decimales.", 1.77),
    ("¿Cuál fue el margen bruto de Acme en el ejercicio 2023?", 40.0),
    ("¿Cuál fue el flujo de caja libre de Acme en 2023?", 1450.0),
]


@pytest.mark.parametrize(("question", "expected"), PARAPHRASES)
def test_paraphrases_are_answered_exactly(question: str, expected: float) -> None:
    got = ask(question)
    assert got is not None, question
    assert got == pytest.approx(expected, rel=0.005, abs=0.006), question


PARTS_OF_THE_COMPANY = [
    "What were Acme's Widgets net revenues in FY2023?",
    "What was the operating income of Acme's Industrial segment in 2023?",
    "What were Acme's international net revenues in FY2023?",
    "What was Acme's adjusted EBITDA in FY2023?",
    "What was Acme's non-GAAP operating income in fiscal 2023?",
    "What were net revenues in Europe for Acme in 2023?",
    "¿Cuáles fueron las ventas del segmento industrial de Acme en 2023?",
    "Why did Acme's gross margin change in FY2023?",
    "What drove the increase in Acme's operating income in 2023?",
]


@pytest.mark.parametrize("question", PARTS_OF_THE_COMPANY)
def test_a_part_of_the_company_or_a_cause_is_not_answered_from_company_totals(question: str) -> None:
    assert ask(question) is None, question


def test_the_answer_says_its_unit_and_rounding() -> None:
    answer = answer_from_facts("What is Acme's FY2023 capex in USD billions? Round to two decimals.", BOOK, [], ACME)
    assert answer is not None
    assert (answer.value, answer.unit) == (1.25, "USD billions")
    assert "converted from USD millions" in describe(answer)
    assert "rounded to 2 decimals as asked" in describe(answer)
    assert answer.inputs[0].line_item == "Capital spending"


def test_a_direction_question_gives_both_years_and_no_single_value() -> None:
    answer = answer_from_facts("Does Acme have an improving operating margin profile as of FY2023?", BOOK, [], ACME)
    assert answer is not None
    assert answer.previous == 15.0
    assert answer.value == 20.0
    assert "rose from 15% in fiscal 2022 to 20% in fiscal 2023" in describe(answer)


def test_a_year_the_filing_does_not_show_is_not_answered() -> None:
    assert ask("What was Acme's revenue in FY2019?") is None


def test_the_question_parts() -> None:
    parsed = parse_question(
        "You are a credit analyst. Based only on the balance sheet, answer this question: what is the FY2023 "
        "current ratio of Acme? Round your answer to two decimal places.",
        ACME,
    )
    assert (parsed.years, parsed.decimals, parsed.refused) == ([2023], 2, None)
    assert "balance sheet" in parsed.statements
    quarter = parse_question("What were Acme's net revenues in Q2 of FY2023?", ACME)
    assert quarter.months == 3
    assert parse_question("What was revenue for the first six months of fiscal 2023?").months == 6


def test_search_text_drops_instructions() -> None:
    text = search_text(
        "You are an investment banker and can only use the statement of cash flows. Here's the question: what is "
        "Acme's FY2023 capital expenditure (in USD billions)? Round to one decimal place."
    )
    assert "banker" not in text
    assert "Round" not in text
    assert "capital expenditure" in text


def test_an_instruction_to_calculate_names_the_figure() -> None:
    answer = answer_from_facts(
        "Approximately how many times did Acme turn over its inventory in FY2023? Compute the inventory turnover "
        "ratio for FY2023; if it is not meaningful for this business, say so.",
        BOOK,
        [],
        ACME,
    )
    assert answer is not None
    assert answer.value == 4.5


@pytest.mark.parametrize(
    ("question", "label", "now", "before"),
    [
        ("Did Acme grow its PP&E between FY22 and FY23?", "Property, plant and equipment, net", 6000.0, 5000.0),
        ("Has Acme's quick ratio improved or declined between FY2022 and FY2023?", "Quick ratio", 1.17, 1.04),
        ("¿Mejoró el margen operativo de Acme en 2023?", "Operating margin", 20.0, 15.0),
    ],
)
def test_direction_questions(question: str, label: str, now: float, before: float) -> None:
    answer = answer_from_facts(question, BOOK, [], ACME)
    assert answer is not None
    assert (answer.label, answer.value, answer.previous) == (label, now, before)


def test_a_quality_of_the_business_gets_the_figures_that_measure_it() -> None:
    question = "Is Acme a capital-intensive business based on FY2023 data?"
    assert answer_from_facts(question, BOOK, [], ACME) is None
    figures = related_figures(question, BOOK, [], ACME)
    assert [f.label for f in figures] == ["Capex as % of revenue", "Fixed asset turnover", "Return on assets"]
    assert figures[0].value == 10.42
    assert figures[0].previous == 9.0


def test_search_text_spells_out_what_filings_print_otherwise() -> None:
    text = search_text("Did Acme grow its PPNE between FY21 and FY22? Were there legal battles?")
    assert "property, plant and equipment" in text
    assert "litigation" in text
    assert "2021" in text
    assert "FY21" not in text


def test_a_defined_day_count_is_in_days() -> None:
    answer = answer_from_facts(
        "What is FY2023 DSO for Acme? DSO is defined as: 365 * (average accounts receivable between FY2022 and "
        "FY2023) / (FY2023 revenue).",
        BOOK,
        [],
        ACME,
    )
    assert answer is not None
    assert (answer.value, answer.unit) == (54.8, "days")
