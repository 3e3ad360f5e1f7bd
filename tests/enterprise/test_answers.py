"""POST /query on a real 10-K: extractive answers with pages and figures, the LLM path against a
fake OpenAI-compatible server (plain, streamed, failing, uncited, over quota), the query log
and feedback, and answers that never reach into another enterprise."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from enterprise.app import create_standalone_app
from enterprise.auth.models import Enterprise, Role
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from tests.conftest import run_cli
from tests.enterprise.conftest import EnterpriseApi
from tests.factories import add_user, bearer, enterprise_token, make_enterprise
from tests.fakes.openai_server import FakeOpenAI, running_fake_openai

pytestmark = [pytest.mark.usefixtures("job_worker"), pytest.mark.corpus]  # the Apple 10-K through the real pipeline


def ask(api: EnterpriseApi | Any, token: str, question: str, **extra: Any) -> dict[str, Any]:
    response = api.client.post(api.url("/query"), json={"question": question, **extra}, headers=bearer(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def text_only(apple_10k) -> Iterator[tuple[Any, str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    """The same enterprise with ENABLE_FINANCIAL_PARSING off: figures come from the text and tables."""
    api, token, document, _ = apple_10k
    settings = api.settings.model_copy(update={"enable_financial_parsing": False})
    with TestClient(create_standalone_app(settings)) as client:
        yield EnterpriseApi(client, api.prefix, settings, "standalone"), token, document


def test_a_balance_sheet_figure_is_answered_with_its_page_and_value(text_only) -> None:  # type: ignore[no-untyped-def]
    api, token, document = text_only
    answer = ask(api, token, "What were Apple's total liabilities as of September 28, 2019 (in USD millions)?")
    assert answer["mode"] == "extractive"
    assert answer["found"] is True
    first = answer["citations"][0]
    assert (first["filename"], first["page"], first["document_id"]) == ("APPLE_2019_10K.pdf", 34, document["id"])
    assert "Total liabilities" in first["snippet"]
    assert answer["value"] == 248028
    assert answer["unit"] == "USD millions"
    assert "248,028" in answer["answer"]
    assert "[1]" in answer["answer"]
    scores = [c["score"] for c in answer["citations"]]
    assert scores == sorted(scores, reverse=True) or scores[0] == max(scores)
    assert len({(c["document_id"], c["page"]) for c in answer["citations"]}) == len(answer["citations"]) <= 5


def test_prose_answers_cite_the_page_that_states_them(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    answer = ask(api, token, "Approximately how many full-time equivalent employees did Apple have?")
    assert answer["citations"][0]["page"] == 6
    assert "137,000" in answer["answer"]
    assert answer["value"] == 137000


def test_line_item_wording_finds_the_cash_flow_statement(text_only) -> None:  # type: ignore[no-untyped-def]
    api, token, _ = text_only
    question = (
        "According to the cash flow statement, how much did Apple pay for dividends and dividend equivalents in 2019?"
    )
    answer = ask(api, token, question, top_k=3)
    assert 36 in [c["page"] for c in answer["citations"]]
    assert len(answer["citations"]) <= 3
    assert len(answer["citations"]) <= 3


def test_nothing_supports_an_answer(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    answer = ask(api, token, "What is the airspeed velocity of an unladen swallow?")
    assert (answer["answer"], answer["found"], answer["citations"], answer["value"]) == (
        "Not found in the documents.",
        False,
        [],
        None,
    )
    spanish = ask(api, token, "¿Cuál es la velocidad de una golondrina sin carga?")
    assert spanish["language"] == "es"
    assert spanish["answer"] == "No se encontró en los documentos."


def test_filters_narrow_the_documents(text_only) -> None:  # type: ignore[no-untyped-def]
    api, token, document = text_only
    question = "What were Apple's total liabilities as of September 28, 2019?"
    assert ask(api, token, question, filters={"fiscal_year": 2019})["citations"][0]["page"] == 34
    assert ask(api, token, question, filters={"fiscal_year": 2018})["citations"] == []
    assert ask(api, token, question, filters={"company": "Microsoft"})["found"] is False
    assert ask(api, token, question, filters={"doc_type": "report"})["found"] is True
    assert ask(api, token, question, document_ids=[document["id"]])["found"] is True
    assert ask(api, token, question, filters={"tags": ["board-pack"]})["citations"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question": ""}, "body.question"),
        ({"question": "   "}, "body.question"),
        ({"question": "x", "top_k": 0}, "body.top_k"),
        ({"question": "x", "top_k": 21}, "body.top_k"),
        ({"question": "x", "filters": {"owner": "me"}}, "body.filters.owner"),
        ({"question": "x", "document_ids": ["not-a-uuid"]}, "body.document_ids.0"),
        ({"question": "x" * 2001}, "body.question"),
    ],
)
def test_bad_questions_are_422_naming_the_field(apple_10k, body: dict[str, Any], field: str) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    response = api.client.post(api.url("/query"), json=body, headers=bearer(token))
    assert response.status_code == 422
    assert field in [f["field"] for f in response.json()["fields"]]


def test_another_enterprise_never_gets_these_documents(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, _, document, _ = apple_10k
    other = make_enterprise(api.settings, "rival")
    token = enterprise_token(api.client, api.prefix, other.admin_email)
    question = "What were Apple's total liabilities as of September 28, 2019?"
    for extra in ({}, {"document_ids": [document["id"]]}, {"filters": {"company": "Apple Inc."}}):
        answer = ask(api, token, question, **extra)
        assert (answer["found"], answer["citations"]) == (False, []), extra
    assert api.client.get(api.url("/queries"), headers=bearer(token)).json()["total"] == 3


def test_query_log_feedback_and_roles(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, admin_token, _, _ = apple_10k
    _, viewer_token = add_user(api.client, api.prefix, admin_token, Role.VIEWER, "apple-reader")
    asked = ask(api, viewer_token, "What was Apple's total net sales in 2019?")
    log = api.client.get(api.url("/queries"), params={"q": "total net sales"}, headers=bearer(admin_token))
    assert log.status_code == 200
    entry = next(item for item in log.json()["items"] if item["id"] == asked["query_id"])
    assert entry["question"] == "What was Apple's total net sales in 2019?"
    assert entry["mode"] == "facts"
    assert entry["citations"][0]["page"] == asked["citations"][0]["page"]
    assert entry["latency_ms"] >= 0
    assert entry["prompt_tokens"] == 0
    assert api.client.get(api.url("/queries"), headers=bearer(viewer_token)).status_code == 403

    rated = api.client.post(
        api.url(f"/queries/{asked['query_id']}/feedback"),
        json={"rating": "up", "comment": "exactly the figure"},
        headers=bearer(viewer_token),
    )
    assert rated.status_code == 200
    assert (rated.json()["feedback"], rated.json()["feedback_comment"]) == ("up", "exactly the figure")
    liked = api.client.get(api.url("/queries"), params={"feedback": "up"}, headers=bearer(admin_token)).json()
    assert asked["query_id"] in [item["id"] for item in liked["items"]]
    bad = api.client.post(
        api.url(f"/queries/{asked['query_id']}/feedback"), json={"rating": "meh"}, headers=bearer(viewer_token)
    )
    assert bad.status_code == 422

    # Another viewer of the same enterprise cannot read or rate it; another enterprise sees nothing.
    _, other_viewer = add_user(api.client, api.prefix, admin_token, Role.VIEWER, "apple-reader")
    assert api.client.get(api.url(f"/queries/{asked['query_id']}"), headers=bearer(other_viewer)).status_code == 404
    rival = make_enterprise(api.settings, "rival-log")
    rival_token = enterprise_token(api.client, api.prefix, rival.admin_email)
    for method, path in (("get", f"/queries/{asked['query_id']}"), ("post", f"/queries/{asked['query_id']}/feedback")):
        response = api.client.request(method, api.url(path), json={"rating": "down"}, headers=bearer(rival_token))
        assert response.status_code == 404


def test_each_user_lists_only_their_own_recent_questions(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, admin_token, _, _ = apple_10k
    _, first = add_user(api.client, api.prefix, admin_token, Role.VIEWER, "apple-reader")
    _, second = add_user(api.client, api.prefix, admin_token, Role.VIEWER, "apple-reader")
    older = ask(api, first, "What was Apple's net income in 2019?")
    newer = ask(api, first, "What were Apple's total net sales in 2018?")
    theirs = ask(api, second, "What was Apple's diluted EPS in 2019?")
    mine = api.client.get(api.url("/me/queries"), headers=bearer(first)).json()
    assert [q["id"] for q in mine["items"]] == [newer["query_id"], older["query_id"]]
    assert mine["total"] == 2
    assert mine["items"][0]["question"] == "What were Apple's total net sales in 2018?"
    others = api.client.get(api.url("/me/queries"), params={"limit": 1}, headers=bearer(second)).json()
    assert [q["id"] for q in others["items"]] == [theirs["query_id"]]
    assert api.client.get(api.url("/me/queries"), params={"limit": 0}, headers=bearer(first)).status_code == 422


# --- the LLM path, against a fake OpenAI-compatible server on 127.0.0.1 --------------------


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeOpenAI]:
    with running_fake_openai() as fake:
        yield fake


def _with_fake_llm(api, fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch, **settings: Any) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The enterprise app on the fake model, with a clean slate of replies and requests."""
    fake_llm.settle()
    fake_llm.fail_next.clear()
    fake_llm.replies.clear()
    fake_llm.delay_seconds = 0.0
    fake_llm.requests.clear()
    for key in ("LANGSMITH_TRACING", "LANGSMITH_API_KEY", "LANGSMITH_PROJECT", "LANGSMITH_ENDPOINT"):
        monkeypatch.delenv(key, raising=False)  # restored after the test: tracing below sets them
    updated = api.settings.model_copy(
        update={"openai_base_url": fake_llm.url, "openai_api_key": "sk-test", "llm_timeout_seconds": 2.0, **settings}
    )
    with TestClient(create_standalone_app(updated)) as client:
        yield EnterpriseApi(client, api.prefix, updated, "standalone")


@pytest.fixture
def llm_api(apple_10k, fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    # Figure questions are answered from the facts without a model: off here, so the model answers.
    for client in _with_fake_llm(api, fake_llm, monkeypatch, enable_financial_parsing=False):
        yield client, token


QUESTION = "What were Apple's total liabilities as of September 28, 2019?"


def test_llm_answer_cites_the_sources_it_was_given(llm_api, fake_llm: FakeOpenAI) -> None:  # type: ignore[no-untyped-def]
    api, token = llm_api
    before = api.client.get(api.url("/usage"), headers=bearer(token)).json()
    answer = ask(api, token, QUESTION)
    assert answer["mode"] == "llm"
    assert answer["found"] is True
    assert answer["note"] is None
    assert answer["answer"].endswith("[1]")
    sent = fake_llm.requests[-1]
    assert sent["auth"] == "Bearer sk-test"
    prompt = sent["body"]["messages"][-1]["content"]
    first = answer["citations"][0]
    assert f"[1] APPLE_2019_10K.pdf, page {first['page']}" in prompt
    after = api.client.get(api.url("/usage"), headers=bearer(token)).json()
    assert after["prompt_tokens"] - before["prompt_tokens"] == 100
    assert after["requests"] - before["requests"] == 1
    logged = api.client.get(api.url(f"/queries/{answer['query_id']}"), headers=bearer(token)).json()
    assert logged["mode"] == "llm"
    assert logged["prompt_tokens"] == 100
    assert logged["completion_tokens"] > 0


def test_llm_answer_streams_as_server_sent_events(llm_api) -> None:  # type: ignore[no-untyped-def]
    api, token = llm_api
    with api.client.stream(
        "POST", api.url("/query"), json={"question": QUESTION}, headers={**bearer(token), "Accept": "text/event-stream"}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [block for block in response.read().decode().split("\n\n") if block]
    kinds = [block.split("\n")[0].removeprefix("event: ") for block in events]
    assert kinds[-1] == "answer"
    assert kinds.count("token") >= 2
    streamed = "".join(json.loads(b.split("data: ", 1)[1])["text"] for b in events[:-1])
    final = json.loads(events[-1].split("data: ", 1)[1])
    assert final["mode"] == "llm"
    assert streamed.strip() == final["answer"]
    assert final["citations"]
    assert final["query_id"]


@pytest.mark.parametrize(
    ("failures", "delay", "note"),
    [
        ([429, 429], 0.0, "rate limited"),
        ([500, 503], 0.0, "returned an error (503)"),
        ([], 5.0, "timed out"),
    ],
)
def test_llm_failures_fall_back_to_extractive_with_a_note(
    llm_api, fake_llm: FakeOpenAI, failures: list[int], delay: float, note: str
) -> None:  # type: ignore[no-untyped-def]
    api, token = llm_api
    fake_llm.fail_next.extend(failures)
    fake_llm.delay_seconds = delay
    answer = ask(api, token, QUESTION)
    assert answer["mode"] == "extractive"
    assert note in answer["note"]
    assert answer["citations"][0]["page"] == 34
    assert answer["found"] is True


def test_an_uncited_or_miscited_llm_answer_is_withheld(llm_api, fake_llm: FakeOpenAI) -> None:  # type: ignore[no-untyped-def]
    api, token = llm_api
    fake_llm.replies.extend(
        ["Apple owed about 248 billion dollars at year end.", "Total liabilities were $248,028 million [9]."]
    )
    for _ in range(2):
        answer = ask(api, token, QUESTION)
        assert answer["mode"] == "extractive"
        assert "withheld" in answer["note"]
        assert answer["citations"][0]["page"] == 34


def test_llm_not_found_has_no_citations(llm_api, fake_llm: FakeOpenAI) -> None:  # type: ignore[no-untyped-def]
    api, token = llm_api
    fake_llm.replies.append("NOT_FOUND")
    answer = ask(api, token, QUESTION)
    assert (answer["mode"], answer["found"], answer["citations"]) == ("llm", False, [])


def test_usage_counts_only_model_calls(llm_api) -> None:  # type: ignore[no-untyped-def]
    api, _ = llm_api
    account = make_enterprise(api.settings, "quota")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    runtime = EnterpriseRuntime.from_settings(api.settings)
    try:
        with session_scope(runtime.session_factory) as session:
            enterprise = session.get(Enterprise, account.enterprise_id)
            assert enterprise is not None
            enterprise.monthly_token_quota = 50
    finally:
        runtime.engine.dispose()
    # Nothing uploaded: no model call, no tokens.
    assert ask(api, token, QUESTION)["found"] is False
    usage = api.client.get(api.url("/usage"), headers=bearer(token)).json()
    assert (usage["total_tokens"], usage["monthly_token_quota"], usage["remaining_tokens"]) == (0, 50, 50)


def test_quota_used_up(llm_api) -> None:  # type: ignore[no-untyped-def]
    api, token = llm_api
    slug = api.client.get(api.url("/me"), headers=bearer(token)).json()["enterprise"]["slug"]
    used = api.client.get(api.url("/usage"), headers=bearer(token)).json()["total_tokens"]
    saved = api.client.get(api.url("/usage"), headers=bearer(token)).json()["monthly_token_quota"]
    try:
        result = run_cli("enterprise", "quota", slug, "--monthly-tokens", str(used + 1))
        assert result.returncode == 0, result.stderr
        assert f"{used + 1:,} tokens a month" in result.stdout
        ask(api, token, QUESTION)  # under quota by one token: answered, and spends about a hundred
        over = api.client.post(api.url("/query"), json={"question": QUESTION}, headers=bearer(token))
        assert over.status_code == 429
        assert over.json()["error"] == "quota_exceeded"
        assert "tokens" in over.json()["detail"]
        assert "next month" in over.json()["detail"]
        streamed = api.client.post(
            api.url("/query"), json={"question": QUESTION, "stream": True}, headers=bearer(token)
        )
        assert streamed.status_code == 429
    finally:
        assert run_cli("enterprise", "quota", slug, "--monthly-tokens", str(saved)).returncode == 0
    refused = run_cli("enterprise", "quota", "no-such-enterprise", "--monthly-tokens", "5")
    assert refused.returncode == 1
    assert "not found" in refused.stderr


def test_unreachable_tracing_never_breaks_a_query(
    apple_10k, fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    for key in ("LANGSMITH_TRACING", "LANGSMITH_API_KEY", "LANGSMITH_PROJECT", "LANGSMITH_ENDPOINT"):
        monkeypatch.delenv(key, raising=False)
    settings = api.settings.model_copy(
        update={
            "openai_base_url": fake_llm.url,
            "langchain_api_key": "lsv2-test",
            "langchain_project": "brain-tests",
            "langchain_endpoint": "http://127.0.0.1:9",
            "enable_financial_parsing": False,
        }
    )
    with TestClient(create_standalone_app(settings)) as client:
        answer = ask(EnterpriseApi(client, api.prefix, settings, "standalone"), token, QUESTION)
        assert os.environ["LANGSMITH_TRACING"] == "true"
        assert os.environ["LANGSMITH_PROJECT"] == "brain-tests"
    assert answer["mode"] == "llm"


@pytest.fixture
def llm_with_facts(apple_10k, fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    for client in _with_fake_llm(api, fake_llm, monkeypatch):
        yield client, token


REASONED = "Is Apple a capital-intensive business based on FY2019 data?"


def test_a_reasoned_question_without_a_model_gets_the_figures_and_the_passages(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    answer = ask(api, token, REASONED)
    assert answer["mode"] == "facts"
    assert answer["value"] is None
    lines = answer["answer"].splitlines()
    assert lines[0].startswith("Capex as % of revenue fell from 5.01% in fiscal 2018 to 4.03% in fiscal 2019")
    assert any(line.startswith("Fixed asset turnover") for line in lines)
    pages = [c["page"] for c in answer["citations"]]
    assert {32, 34, 36} <= set(pages)
    assert "not judged" in answer["note"]
    # Every marker names a citation.
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer["answer"])}
    assert markers <= set(range(1, len(answer["citations"]) + 1))


def test_a_model_gets_the_computed_figures_and_must_cite_them(llm_with_facts, fake_llm: FakeOpenAI) -> None:  # type: ignore[no-untyped-def]
    api, token = llm_with_facts
    fake_llm.replies.append("Capital expenditures were about 4% of revenue in fiscal 2019 [1].")
    answer = ask(api, token, REASONED)
    assert answer["mode"] == "llm"
    prompt = fake_llm.requests[-1]["body"]["messages"][-1]["content"]
    assert "Figures computed exactly from the financial statements" in prompt
    assert "Capex as % of revenue" in prompt
    assert "[1] APPLE_2019_10K.pdf, page" in prompt
    assert answer["citations"][0]["page"] in {32, 36}
    # An exact figure question never reaches the model.
    exact = ask(api, token, "What was Apple's diluted EPS for fiscal 2019?")
    assert exact["mode"] == "facts"
    assert exact["value"] == 11.89
