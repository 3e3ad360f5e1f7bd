"""A small Spanish company's everyday documents (sales CSV in Spanish number format, statements
xlsx, supply contract docx, quarterly report PDF, travel policy txt, KPIs JSON) uploaded through
the API and asked about in Spanish and English: every answer's figure, unit and cited page, with
no language model. The question set is tests/data/business/questions.jsonl."""

from __future__ import annotations

from typing import Any

import pytest

from tests.business_questions import judge, load
from tests.enterprise.conftest import BusinessLibrary
from tests.factories import bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")

QUESTIONS = load()


def ask(library: BusinessLibrary, question: str, token: str | None = None) -> dict[str, Any]:
    api = library.api
    response = api.client.post(api.url("/query"), json={"question": question}, headers=bearer(token or library.token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_documents_carry_their_language_company_and_statements(business_library: BusinessLibrary) -> None:
    documents = business_library.documents
    assert {d["language"] for d in documents.values()} == {"es"}
    assert documents["ventas_2024.csv"]["company"] == "Comercial Iberia S.L."
    assert documents["contrato_suministro.docx"]["company"] is None  # two parties: whose is it?
    facts = documents["estados_financieros_2024.xlsx"]["stages"]["facts"]
    assert facts["statements"] == {"1": "balance", "2": "income", "3": "cash_flow"}
    assert facts["checks_failed"] == 0


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_each_question_gets_its_exact_figure_and_cited_page(
    business_library: BusinessLibrary, question: dict[str, Any]
) -> None:
    answer = ask(business_library, question["question"])
    verdict = judge(question, answer)
    detail = f"{answer['value']} {answer['unit']} [{answer['mode']}] {answer['answer'][:300]}"
    assert not verdict.wrong_value, detail
    assert verdict.right, detail
    assert verdict.cited_page, [(c["filename"], c["page"]) for c in answer["citations"]]


def test_a_table_answer_names_what_it_computed_and_the_cells_it_used(business_library: BusinessLibrary) -> None:
    answer = ask(business_library, "Which region had the highest sales in the second quarter?")
    assert answer["mode"] == "facts"
    assert answer["answer"].startswith("Centro had the highest Ventas (€) (Región, where Trimestre is")
    citation = answer["citations"][0]
    assert citation["filename"] == "ventas_2024.csv"
    assert "rows 11, 14, 17" in citation["snippet"]
    assert "Ventas (€)" in citation["snippet"]
    assert [c["value"] for c in answer["facts"]] == [1_198_450, 1_275_900, 1_310_250]
    spanish = ask(business_library, "¿Cuál fue el total de ventas del segundo trimestre?")
    # Written the Spanish way for a Spanish question.
    assert "8.908.180 EUR" in spanish["answer"]
    assert spanish["answer"].startswith("Suma de Ventas (€)")


def test_statement_facts_in_euros_are_listed_with_their_sheet(business_library: BusinessLibrary) -> None:
    api = business_library.api
    document = business_library.documents["estados_financieros_2024.xlsx"]
    response = api.client.get(
        api.url("/facts"),
        params={"metric": "net_income", "fiscal_year": 2024},
        headers=bearer(business_library.token),
    )
    assert response.status_code == 200, response.text
    [fact] = [f for f in response.json()["items"] if f["document_id"] == document["id"]]
    assert (fact["value"], fact["currency"], fact["scale"], fact["page"]) == (1110, "EUR", "thousands", 2)
    assert fact["line_item"] == "Utilidad neta"


def test_another_enterprise_gets_nothing_from_these_tables(business_library: BusinessLibrary) -> None:
    api = business_library.api
    other = make_enterprise(api.settings, "other-co")
    token = enterprise_token(api.client, api.prefix, other.admin_email)
    answer = ask(business_library, "¿Cuánto vendió la región Norte en marzo?", token)
    assert answer["value"] is None
    assert answer["citations"] == []
    assert answer["found"] is False


def test_full_text_search_stems_a_spanish_document_in_spanish(business_library: BusinessLibrary) -> None:
    api = business_library.api
    # The policy says "Los vuelos se reservan"; Spanish stemming makes "reservar" the same word.
    response = api.client.get(api.url("/search"), params={"q": "reservar"}, headers=bearer(business_library.token))
    assert response.status_code == 200, response.text
    hits = response.json()
    assert hits, "no hit for a Spanish inflection"
    assert hits[0]["filename"] == "politica_viajes.txt"
    assert "reservan" in hits[0]["snippet"]
