"""A question asked again is answered from the process's cache only while the enterprise's
documents are unchanged; another enterprise never gets it."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from enterprise.app import API_PREFIX, create_standalone_app
from shared.settings import Settings
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")

QUESTION = "What is the parking allowance for the Lisbon office?"


def _ask(api: EnterpriseApi, token: str, question: str = QUESTION, **scope: Any) -> tuple[str, dict[str, Any]]:
    response = api.client.post(api.url("/query"), json={"question": question, **scope}, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.headers["X-Answer-Cache"], response.json()


def _upload(api: EnterpriseApi, token: str, name: str, text: bytes) -> dict[str, Any]:
    response = api.client.post(api.url("/documents"), files={"file": (name, text)}, headers=bearer(token))
    assert response.status_code == 202, response.text
    return wait_for_document(api, token, response.json()["id"])


def _cited(answer: dict[str, Any]) -> list[str]:
    return [c["filename"] for c in answer["citations"]]


def test_a_repeated_question_is_answered_again_until_a_document_changes(enterprise_api: EnterpriseApi) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "cache")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    policy = _upload(
        api, token, "lisbon-policy.txt", b"Lisbon office policy. The parking allowance for the Lisbon office is 90 EUR."
    )

    first_state, first = _ask(api, token)
    again_state, again = _ask(api, token)
    assert (first_state, again_state) == ("miss", "hit")
    assert again == {**first, "query_id": again["query_id"], "latency_ms": again["latency_ms"]}
    assert _cited(again) == ["lisbon-policy.txt"]
    # Each asking is logged, the cached one too.
    log = api.client.get(api.url("/queries"), headers=bearer(token)).json()["items"]
    assert [q["question"] for q in log[:2]] == [QUESTION, QUESTION]

    only_policy = {"document_ids": [policy["id"]]}
    assert [_ask(api, token, **only_policy)[0] for _ in range(2)] == ["miss", "hit"]

    # A new document in the enterprise: the answer is worked out again, and sees it; a question
    # held to the first document keeps its answer.
    _upload(api, token, "lisbon-update.txt", b"Update: the parking allowance for the Lisbon office rises to 120 EUR.")
    state, updated = _ask(api, token)
    assert state == "miss"
    assert "lisbon-update.txt" in _cited(updated)
    assert _ask(api, token, **only_policy)[0] == "hit"

    # The cited document deleted: never cited again from the cache.
    deleted = api.client.delete(api.url(f"/documents/{policy['id']}"), headers=bearer(token))
    assert deleted.status_code == 204, deleted.text
    state, after_delete = _ask(api, token)
    assert state == "miss"
    assert "lisbon-policy.txt" not in _cited(after_delete)


def test_another_enterprise_never_gets_a_cached_answer(enterprise_api: EnterpriseApi) -> None:
    api = enterprise_api
    owner = make_enterprise(api.settings, "cacheown")
    owner_token = enterprise_token(api.client, api.prefix, owner.admin_email)
    _upload(api, owner_token, "vienna.txt", b"Vienna office: the parking allowance for the Vienna office is 75 EUR.")
    question = "What is the parking allowance for the Vienna office?"
    assert _ask(api, owner_token, question)[0] == "miss"
    assert _ask(api, owner_token, question)[0] == "hit"

    other = make_enterprise(api.settings, "cacheoth")
    other_token = enterprise_token(api.client, api.prefix, other.admin_email)
    state, answer = _ask(api, other_token, question)
    assert state == "miss"
    assert answer["found"] is False
    assert answer["citations"] == []


def _fresh_answer(api: EnterpriseApi, token: str, question: str) -> dict[str, Any]:
    """The answer worked out from scratch: a second API process with no answer cache."""
    with TestClient(create_standalone_app(Settings(enterprise_enabled=True, answer_cache_entries=0))) as fresh:
        response = fresh.post(f"{API_PREFIX}/query", json={"question": question}, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.headers["X-Answer-Cache"] == "miss"
    body: dict[str, Any] = response.json()
    return body


def _same(one: dict[str, Any], other: dict[str, Any]) -> bool:
    return {**one, "query_id": None, "latency_ms": None} == {**other, "query_id": None, "latency_ms": None}


def test_an_answer_outlives_uploads_that_cannot_change_it(enterprise_api: EnterpriseApi) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "cachebasis")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    lisbon = _upload(api, token, "lisbon-policy.txt", b"Lisbon office. The parking allowance for Lisbon is 90 EUR.")
    _upload(api, token, "vienna-policy.txt", b"Vienna office. The parking allowance for the Vienna office is 75 EUR.")
    unnamed = "What is the parking allowance?"  # no office named: every document is searched
    assert [_ask(api, token)[0] for _ in range(2)] == ["miss", "hit"]
    assert [_ask(api, token, unnamed)[0] for _ in range(2)] == ["miss", "hit"]
    _, before = _ask(api, token)
    assert _cited(before) == ["lisbon-policy.txt"]

    # A memo of another office, parking words and all: the question names Lisbon, so routing reads
    # the Lisbon policy alone, before the memo as after it. The kept answer is served, and it is
    # the answer worked out from scratch.
    _upload(api, token, "porto-memo.txt", b"Porto office. The parking allowance for the Porto office is 60 EUR.")
    state, kept = _ask(api, token)
    assert state == "hit"
    assert _same(kept, before)
    assert _same(kept, _fresh_answer(api, token, QUESTION))
    # The question that names no office searched every document, the memo among them now.
    assert _ask(api, token, unnamed)[0] == "miss"

    # The routed document edited: worked out again.
    edited = api.client.patch(api.url(f"/documents/{lisbon['id']}"), json={"tags": ["hr"]}, headers=bearer(token))
    assert edited.status_code == 200, edited.text
    assert [_ask(api, token)[0] for _ in range(2)] == ["miss", "hit"]

    # A spreadsheet: any question may be answered from a table, so every kept answer is worked out again.
    _upload(api, token, "allowances.csv", b"office,parking allowance\nLisbon,95\nVienna,75\n")
    state, after_sheet = _ask(api, token)
    assert state == "miss"
    assert _same(after_sheet, _fresh_answer(api, token, QUESTION))
