"""Full-text search ranks a passage by how many of the question's words it holds, however long
the question; stop words of either language never count."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from enterprise.answers import lexical
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")

MEMOS = {
    "lisbon.txt": "The Lisbon warehouse ships pallets of cork to Madrid every Monday.",
    "prices.txt": "Cork prices rose in the second quarter.",
    "porto.txt": "The Porto warehouse ships wine bottles to customers.",
    "payroll.txt": "Payroll closes on the last working day of each month.",
}


@pytest.fixture
def library(enterprise_api: EnterpriseApi) -> tuple[EnterpriseApi, str]:
    account = make_enterprise(enterprise_api.settings, "lexical")
    token = enterprise_token(enterprise_api.client, enterprise_api.prefix, account.admin_email)
    for name, text in MEMOS.items():
        response = enterprise_api.client.post(
            enterprise_api.url("/documents"), files={"file": (name, text.encode())}, headers=bearer(token)
        )
        assert response.status_code == 202, response.text
        assert wait_for_document(enterprise_api, token, response.json()["id"])["status"] == "ready"
    return enterprise_api, token


def _found(library: tuple[EnterpriseApi, str], question: str) -> list[str]:
    api, token = library
    response = api.client.get(api.url("/search"), params={"q": question}, headers=bearer(token))
    assert response.status_code == 200, response.text
    hits: list[dict[str, Any]] = response.json()
    return [h["filename"] for h in hits]


def test_more_of_the_words_ranks_first(library: tuple[EnterpriseApi, str]) -> None:
    found = _found(library, "Lisbon warehouse cork pallets")
    assert found[0] == "lisbon.txt"
    assert set(found[1:]) == {"prices.txt", "porto.txt"}  # one word each; payroll holds none


def test_a_long_question_is_ranked_the_same_way(library: tuple[EnterpriseApi, str]) -> None:
    # A long question (more words than any passage holds) ranks by how many of them each holds.
    question = (
        "Which warehouse in Lisbon ships pallets of cork to Madrid and when, compared with the "
        "volumes of the Porto warehouse that ships wine to its buyers?"
    )
    assert len(lexical.query_terms(question)) > 12
    found = _found(library, question)
    assert found[:2] == ["lisbon.txt", "porto.txt"]  # six of the words, then four
    assert "payroll.txt" not in found


def test_stop_words_of_either_language_do_not_count(library: tuple[EnterpriseApi, str]) -> None:
    # "what", "is", "the" are English stop words but not Spanish ones; "de" and "la" the reverse.
    assert _found(library, "What is the payroll?") == ["payroll.txt"]
    assert _found(library, "la nómina de payroll") == ["payroll.txt"]
    assert _found(library, "what is the") == []


@pytest.mark.parametrize(
    "question",
    [
        "Lisbon warehouse cork pallets",
        "Which warehouse in Lisbon ships pallets of cork to Madrid and when, compared with the "
        "volumes of the Porto warehouse that ships wine to its buyers?",
        "cork prices in the second quarter",
    ],
)
def test_the_best_few_are_the_head_of_the_whole_ranking(library: tuple[EnterpriseApi, str], question: str) -> None:
    # Only the chunks holding as many terms as the last one kept are ranked in full: asking for
    # fewer must give the head of the longer list, not another order.
    api, token = library
    me = api.client.get(api.url("/me"), headers=bearer(token))
    assert me.status_code == 200, me.text
    enterprise_id = uuid.UUID(me.json()["enterprise"]["id"])
    runtime = EnterpriseRuntime.from_settings(api.settings, owner=True)
    with session_scope(runtime.session_factory) as session:
        everything = lexical.search(session, enterprise_id, question, 10)
        heads = [lexical.search(session, enterprise_id, question, n) for n in (1, 2)]
    runtime.engine.dispose()
    assert len(everything) >= 2  # the memos that hold some of the words
    for head in heads:
        assert [(h.chunk_id, round(h.score, 6)) for h in head] == [
            (h.chunk_id, round(h.score, 6)) for h in everything[: len(head)]
        ]
