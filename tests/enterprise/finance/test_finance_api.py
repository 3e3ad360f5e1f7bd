"""Facts, metrics, statements and their exports over HTTP on the Apple 10-K, facts-mode answers,
and another enterprise that sees none of it."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.factories import bearer, enterprise_token, make_enterprise

pytestmark = [pytest.mark.usefixtures("job_worker"), pytest.mark.corpus]  # the Apple 10-K through the real pipeline


def test_statements_and_their_checks(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, document, _ = apple_10k
    assert document["stages"]["facts"]["status"] == "done"
    body = api.client.get(api.url(f"/documents/{document['id']}/statements"), headers=bearer(token)).json()
    assert {s["statement"]: s["pages"] for s in body["statements"]} == {
        "income": [32],
        "comprehensive_income": [33],
        "balance": [34],
        "cash_flow": [36],
    }
    core = [c for c in body["checks"] if c["core"]]
    assert core
    assert all(c["passed"] for c in core)
    assert {c["name"] for c in core} >= {
        "total assets = total liabilities and equity",
        "gross profit = revenue - cost of sales",
        "cash at beginning + change = cash at end",
    }
    assert body["checks_failed"] == 0
    assert not any(s["flagged"] for s in body["statements"])


def test_facts_by_metric_and_statement(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, document, _ = apple_10k
    found = api.client.get(
        api.url("/facts"), params={"metric": "total_liabilities", "fiscal_year": 2019}, headers=bearer(token)
    ).json()
    assert found["total"] == 1
    fact = found["items"][0]
    assert (fact["line_item"], fact["value"], fact["scale"], fact["unit"], fact["page"]) == (
        "Total liabilities",
        248028.0,
        "millions",
        "USD",
        34,
    )
    assert (fact["company"], fact["document_id"], fact["period_label"]) == (
        "Apple Inc.",
        document["id"],
        "September 28, 2019",
    )
    cash_flow = api.client.get(
        api.url("/facts"), params={"statement": "cash_flow", "limit": 500}, headers=bearer(token)
    ).json()
    dividends = [f for f in cash_flow["items"] if f["line_item"] == "Payments for dividends and dividend equivalents"]
    assert sorted(f["value"] for f in dividends) == [-14119.0, -13712.0, -12769.0]


def test_metrics_with_formula_and_input_pages(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    params = {"company": "apple", "fiscal_year": 2019, "metric": "gross_margin"}
    (margin,) = api.client.get(api.url("/metrics"), params=params, headers=bearer(token)).json()
    assert (margin["value"], margin["unit"]) == (37.8178, "%")
    assert "revenue" in margin["formula"]
    assert {(i["line_item"], i["page"]) for i in margin["inputs"]} == {("Total net sales", 32), ("Gross margin", 32)}
    every = api.client.get(api.url("/metrics"), params={"fiscal_year": 2019}, headers=bearer(token)).json()
    names = {m["metric"] for m in every}
    assert {"free_cash_flow", "current_ratio", "roe", "dso", "ebitda", "capex", "eps_diluted"} <= names
    capex = next(m for m in every if m["metric"] == "capex")
    assert capex["value"] == 10495.0
    assert capex["unit"] == "USD millions"
    bad = api.client.get(api.url("/metrics"), params={"metric": "vibes"}, headers=bearer(token))
    assert bad.status_code == 422
    assert "unknown metric" in bad.json()["detail"]


def test_csv_and_xlsx_exports(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    response = api.client.get(api.url("/facts"), params={"format": "csv", "fiscal_year": 2019}, headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="facts.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert any(r["line_item"] == "Total liabilities" and float(r["value"]) == 248028 for r in rows)
    workbook = api.client.get(api.url("/metrics"), params={"format": "xlsx", "company": "Apple"}, headers=bearer(token))
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["metrics"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["company", "fiscal_year", "metric", "label"]
    assert sheet.max_row > 20
    assert api.client.get(api.url("/facts"), params={"format": "pdf"}, headers=bearer(token)).status_code == 422


@pytest.mark.parametrize(
    ("question", "value", "unit", "page"),
    [
        ("What was Apple's diluted EPS for fiscal 2019?", 11.89, "USD per share", 32),
        ("What was Apple's gross margin percentage in fiscal 2019?", 37.82, "%", 32),
        ("How much did Apple spend on capital expenditures in 2018?", 13313.0, "USD millions", 36),
        ("What was Apple's current ratio at the end of fiscal 2019?", 1.54, "ratio", 34),
        ("¿Cuál fue la utilidad neta de Apple en 2019?", 55256.0, "USD millions", 32),
        # Worded as analysts word them: a role, the statement to rely on, the unit and the rounding.
        (
            "Assume you are an equity analyst who may only use the cash flow statement. Here's the question: what "
            "was Apple's FY2019 capital expenditure in USD billions? Round to one decimal place.",
            10.5,
            "USD billions",
            36,
        ),
        (
            "What is Apple's FY2019 operating cash flow ratio? The operating cash flow ratio is defined as: cash "
            "from operations / total current liabilities. Round your answer to two decimal places. Use the "
            "balance sheet and the statement of cash flows.",
            0.66,
            "ratio",
            36,
        ),
    ],
)
def test_figure_questions_are_answered_from_the_facts(
    apple_10k, question: str, value: float, unit: str, page: int
) -> None:  # type: ignore[no-untyped-def]
    api, token, document, _ = apple_10k
    answer = api.client.post(api.url("/query"), json={"question": question}, headers=bearer(token)).json()
    assert answer["mode"] == "facts", answer
    assert (answer["value"], answer["unit"]) == (value, unit)
    assert answer["citations"][0]["page"] == page
    assert answer["citations"][0]["document_id"] == document["id"]
    assert answer["facts"]
    assert all(f["page"] for f in answer["facts"])
    # Written in the question's language.
    assert answer["note"].startswith("Fórmula:" if question.startswith("¿") else "Formula:")


@pytest.mark.parametrize(
    "question",
    [
        "What were Apple's iPhone net sales in fiscal 2019?",
        "What drove the change in Apple's gross margin in fiscal 2019?",
        "What was Apple's Services gross margin in FY2019?",
    ],
)
def test_a_segment_or_cause_question_is_not_answered_from_company_totals(apple_10k, question: str) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    answer = api.client.post(api.url("/query"), json={"question": question}, headers=bearer(token)).json()
    assert answer["mode"] != "facts"


def test_a_direction_question_shows_both_years_and_states_no_single_value(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    answer = api.client.post(
        api.url("/query"),
        json={"question": "Does Apple have an improving gross margin profile as of FY2019?"},
        headers=bearer(token),
    ).json()
    assert answer["mode"] == "facts"
    assert answer["value"] is None
    assert "fell from 38.34% in fiscal 2018 to 37.82% in fiscal 2019" in answer["answer"]
    assert answer["citations"][0]["page"] == 32


def test_another_enterprise_sees_no_facts(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, _, document, _ = apple_10k
    other = make_enterprise(api.settings, "facts-rival")
    token = enterprise_token(api.client, api.prefix, other.admin_email)
    assert api.client.get(api.url("/facts"), params={"company": "Apple"}, headers=bearer(token)).json()["total"] == 0
    assert (
        api.client.get(api.url("/facts"), params={"document_id": document["id"]}, headers=bearer(token)).json()["total"]
        == 0
    )
    assert api.client.get(api.url("/metrics"), params={"company": "Apple"}, headers=bearer(token)).json() == []
    assert api.client.get(api.url(f"/documents/{document['id']}/statements"), headers=bearer(token)).status_code == 404
    answer = api.client.post(
        api.url("/query"), json={"question": "What was Apple's diluted EPS for fiscal 2019?"}, headers=bearer(token)
    ).json()
    assert (answer["found"], answer["citations"], answer["facts"]) == (False, [], [])


def test_companies_lists_each_company_with_the_years_of_its_statements(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    companies = api.client.get(api.url("/companies"), headers=bearer(token)).json()
    assert companies == [{"company": "Apple Inc.", "first_year": 2017, "last_year": 2019, "documents": 1}]
    outsider = make_enterprise(api.settings, "companies-outsider")
    other = enterprise_token(api.client, api.prefix, outsider.admin_email)
    assert api.client.get(api.url("/companies"), headers=bearer(other)).json() == []


def test_the_three_sections_of_the_cash_flow_statement_are_metrics(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    found = api.client.get(api.url("/metrics"), params={"fiscal_year": 2019}, headers=bearer(token)).json()
    sections = {m["metric"]: (m["value"], m["inputs"][0]["line_item"], m["inputs"][0]["page"]) for m in found}
    assert sections["operating_cash_flow"] == (69391.0, "Cash generated by operating activities", 36)
    assert sections["investing_cash_flow"] == (45896.0, "Cash generated by/(used in) investing activities", 36)
    assert sections["financing_cash_flow"] == (-90976.0, "Cash used in financing activities", 36)
