"""Analytics after a scripted set of uploads and questions equal the counts worked out by hand; the
cache serves them until a new document or question changes them; every table downloads."""

from __future__ import annotations

import csv
import io
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pymupdf
import pytest
from starlette.testclient import TestClient

from enterprise.analytics import service as analytics
from enterprise.answers.extractive import Draft
from enterprise.answers.models import AnswerMode
from enterprise.answers.query_log import Asked, record_answer
from enterprise.app import create_standalone_app
from enterprise.auth.models import Role, User
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from shared.settings import Settings
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import add_user, bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")

POLICY = "Refund policy. Customers may return goods within 30 days for a full refund. Shipping is free over 50 euros."
QUESTIONS_BY_ADMIN = [
    "What is the refund policy?",  # answered from the policy
    "what is the refund policy",  # the same question, worded alike
    "How many days do customers have to return goods?",  # answered
    "Who won the 1998 world cup final in Paris?",  # not in the documents
]
QUESTIONS_BY_ANALYST = ["Refund policy?", "Who won the 1998 world cup final in Paris?"]


@dataclass
class Scripted:
    api: EnterpriseApi
    admin: str
    analyst: str
    analyst_email: str
    enterprise_id: uuid.UUID
    asked: list[dict[str, Any]]


def _blank_page_pdf() -> bytes:
    document = pymupdf.open()
    document.new_page().insert_text((72, 72), "Quarterly memo: sales grew in every region.")
    document.new_page()  # a scanned page, as far as text goes: none
    return bytes(document.tobytes())


def _upload(api: EnterpriseApi, token: str, name: str, content: bytes) -> dict[str, Any]:
    response = api.client.post(api.url("/documents"), files={"file": (name, content)}, headers=bearer(token))
    assert response.status_code == 202, response.text
    return wait_for_document(api, token, response.json()["id"])


def _ask(api: EnterpriseApi, token: str, question: str) -> dict[str, Any]:
    response = api.client.post(api.url("/query"), json={"question": question}, headers=bearer(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def scripted(enterprise_api: EnterpriseApi) -> Scripted:
    api = enterprise_api
    account = make_enterprise(api.settings, "analytics")
    admin = enterprise_token(api.client, api.prefix, account.admin_email)
    analyst_email, analyst = add_user(api.client, api.prefix, admin, Role.ANALYST, account.slug)
    assert _upload(api, admin, "refund-policy.txt", POLICY.encode())["status"] == "ready"
    assert _upload(api, admin, "memo.pdf", _blank_page_pdf())["status"] == "ready"
    assert _upload(api, admin, "broken.pdf", b"%PDF-1.7 this is not really a PDF")["status"] == "failed"
    asked = [_ask(api, admin, q) for q in QUESTIONS_BY_ADMIN] + [_ask(api, analyst, q) for q in QUESTIONS_BY_ANALYST]
    feedback = api.client.post(
        api.url(f"/queries/{asked[0]['query_id']}/feedback"), json={"rating": "up"}, headers=bearer(admin)
    )
    assert feedback.status_code == 200
    api.client.post(
        api.url(f"/queries/{asked[3]['query_id']}/feedback"), json={"rating": "down"}, headers=bearer(admin)
    )
    return Scripted(api, admin, analyst, analyst_email, account.enterprise_id, asked)


def _usage(s: Scripted, **params: Any) -> dict[str, Any]:
    response = s.api.client.get(s.api.url("/analytics/usage"), params=params, headers=bearer(s.admin))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_usage_counts_equal_the_scripted_questions(scripted: Scripted) -> None:
    usage = _usage(scripted, days=7)
    summary, tables = usage["summary"], usage["tables"]
    answered = [a for a in scripted.asked if a["found"]]
    assert summary["questions"] == 6
    assert summary["answered"] == len(answered)
    assert summary["not_found"] == 6 - len(answered)
    assert summary["answer_rate"] == round(len(answered) / 6, 4)
    assert summary["feedback_up"] == 1
    assert summary["feedback_down"] == 1
    assert summary["members_asking"] == 2

    latencies = sorted(a["latency_ms"] for a in scripted.asked)
    assert summary["latency_p50_ms"] == latencies[2]  # nearest rank: the 3rd of 6
    assert summary["latency_p95_ms"] == latencies[5]

    (today,) = tables["per_day"]
    assert (today["questions"], today["answered"], today["feedback_up"]) == (6, len(answered), 1)
    assert [row["questions"] for row in tables["per_member"]] == [4, 2]
    assert tables["per_member"][1]["member"] == scripted.analyst_email
    assert sum(row["questions"] for row in tables["modes"]) == 6


def test_questions_worded_alike_are_one_question(scripted: Scripted) -> None:
    tables = _usage(scripted, days=7)["tables"]
    questions = QUESTIONS_BY_ADMIN + QUESTIONS_BY_ANALYST
    groups = {"refund": [0, 1, 4], "days": [2], "cup": [3, 5]}  # the indexes of `questions`, grouped by hand
    group_of = {questions[i]: name for name, indexes in groups.items() for i in indexes}

    top = {group_of[row["question"]]: row for row in tables["top_questions"]}
    assert {name: row["times_asked"] for name, row in top.items()} == {"refund": 3, "days": 1, "cup": 2}
    assert top["refund"]["wordings"] == 3
    for name, indexes in groups.items():
        assert top[name]["answered"] == sum(scripted.asked[i]["found"] for i in indexes)

    unanswered = {group_of[row["question"]]: row["times_asked"] for row in tables["unanswered"]}
    expected = {name: sum(not scripted.asked[i]["found"] for i in indexes) for name, indexes in groups.items()}
    assert unanswered == {name: n for name, n in expected.items() if n}
    assert unanswered["cup"] == 2  # the one question nothing in the documents answers


def test_content_counts_equal_the_scripted_uploads(scripted: Scripted) -> None:
    response = scripted.api.client.get(scripted.api.url("/analytics/content"), headers=bearer(scripted.admin))
    content = response.json()
    assert content["summary"]["documents"] == 3
    assert content["summary"]["ready"] == 2
    assert content["summary"]["failed"] == 1
    assert content["summary"]["pages_without_text"] == 1
    assert {row["status"]: row["documents"] for row in content["tables"]["by_status"]} == {"ready": 2, "failed": 1}
    (failure,) = content["tables"]["failures"]
    assert failure["filename"] == "broken.pdf"
    assert failure["error"]  # the reason, as the document shows it
    (blank,) = content["tables"]["pages_without_text"]
    assert (blank["filename"], blank["pages"], blank["pages_without_text"]) == ("memo.pdf", 2, 1)
    (month,) = content["tables"]["by_month"]
    assert (month["documents"], month["failed"]) == (3, 1)


def test_the_cache_serves_until_a_question_or_a_document_changes_the_data(scripted: Scripted) -> None:
    first = _usage(scripted, days=30)
    again = _usage(scripted, days=30)
    assert again["cached"] is True
    assert again["computed_at"] == first["computed_at"]
    assert again["summary"] == first["summary"]

    _ask(scripted.api, scripted.analyst, "What is the shipping policy?")
    after_question = _usage(scripted, days=30)
    assert after_question["cached"] is False
    assert after_question["summary"]["questions"] == first["summary"]["questions"] + 1

    # The worker's refresher computes a result read lately again when its data changes, so the
    # next reader is served from the cache, with the new question counted.
    _ask(scripted.api, scripted.analyst, "What is the warranty?")
    runtime = EnterpriseRuntime.from_settings(scripted.api.settings, owner=True)
    settings = scripted.api.settings
    ttl = timedelta(seconds=settings.analytics_cache_seconds)
    assert analytics.refresh(runtime.session_factory, ttl, analytics.Prices.of(settings)) >= 1
    assert analytics.refresh(runtime.session_factory, ttl, analytics.Prices.of(settings)) == 0  # all fresh now
    runtime.engine.dispose()
    refreshed = _usage(scripted, days=30)
    assert refreshed["cached"] is True
    assert refreshed["summary"]["questions"] == first["summary"]["questions"] + 2

    content_url = scripted.api.url("/analytics/content")
    before = scripted.api.client.get(content_url, headers=bearer(scripted.admin)).json()
    assert scripted.api.client.get(content_url, headers=bearer(scripted.admin)).json()["cached"] is True
    _upload(scripted.api, scripted.admin, f"note-{uuid.uuid4().hex[:6]}.txt", b"A short note about the warehouse.")
    after_document = scripted.api.client.get(content_url, headers=bearer(scripted.admin)).json()
    assert after_document["cached"] is False
    assert after_document["summary"]["documents"] == before["summary"]["documents"] + 1


def test_every_table_downloads_as_csv_and_all_as_one_workbook(scripted: Scripted) -> None:
    api = scripted.api
    formula = '=HYPERLINK("http://evil.example","revenue")'
    _ask(api, scripted.analyst, formula)  # a member's question that a spreadsheet would run
    response = api.client.get(
        api.url("/analytics/usage"), params={"format": "csv", "table": "top_questions"}, headers=bearer(scripted.admin)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0].keys() == {"question", "times_asked", "answered", "wordings", "last_asked"}
    assert {r["question"] for r in rows} >= {"Who won the 1998 world cup final in Paris?", "'" + formula}

    workbook = api.client.get(api.url("/analytics/content"), params={"format": "xlsx"}, headers=bearer(scripted.admin))
    sheets = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert set(sheets.sheetnames) == {
        "by_type",
        "by_status",
        "by_company",
        "by_month",
        "failures",
        "pages_without_text",
    }
    assert sheets["failures"]["A2"].value == "broken.pdf"

    for params, field in (({"format": "csv"}, "table"), ({"format": "csv", "table": "nope"}, "table")):
        refused = api.client.get(api.url("/analytics/usage"), params=params, headers=bearer(scripted.admin))
        assert refused.status_code == 422
        assert field in refused.text
    assert (
        api.client.get(api.url("/analytics/usage"), params={"days": 0}, headers=bearer(scripted.admin)).status_code
        == 422
    )


def test_estimated_cost_is_tokens_times_the_configured_price(scripted: Scripted) -> None:
    """Tokens of model answers (logged as the answer pipeline logs them), priced per member and month."""
    runtime = EnterpriseRuntime.from_settings(scripted.api.settings, owner=True)
    with session_scope(runtime.session_factory) as session:
        analyst = session.query(User).filter(User.email == scripted.analyst_email).one()
        record_answer(
            session, analyst, Asked("Summarise the refund policy", {}, time.perf_counter()),
            Draft(answer="Returns within 30 days.", value=None, unit=None, citations=[], found=True), AnswerMode.LLM,
            prompt_tokens=1_200_000, completion_tokens=300_000,
        )  # fmt: skip
    runtime.engine.dispose()
    usage = _usage(scripted, days=2)
    prices = scripted.api.settings
    expected = round(
        (1_200_000 * prices.llm_prompt_cost_per_million + 300_000 * prices.llm_completion_cost_per_million) / 1e6, 4
    )
    (row,) = [r for r in usage["tables"]["cost_per_member_month"] if r["member"] == scripted.analyst_email]
    assert (row["prompt_tokens"], row["completion_tokens"], row["tokens"]) == (1_200_000, 300_000, 1_500_000)
    assert row["estimated_cost_usd"] == expected == 0.36
    assert usage["summary"]["estimated_cost_usd"] == expected


def test_kpis_come_from_the_facts_with_their_pages(
    apple_10k: tuple[EnterpriseApi, str, dict[str, Any], list[Any]],
) -> None:
    api, token, document, _ = apple_10k
    body = api.client.get(api.url("/analytics/kpis"), headers=bearer(token)).json()
    rows = {(r["metric"], r["fiscal_year"]): r for r in body["tables"]["kpis"]}
    revenue = rows[("revenue", 2019)]
    assert (revenue["value"], revenue["previous"], revenue["change_pct"]) == (260174.0, 265595.0, -2.04)
    assert revenue["unit"] == "USD millions"
    assert revenue["pages"] == "32"
    assert revenue["document_id"] == document["id"]
    assert revenue["flagged"] is False
    assert rows[("gross_margin", 2019)]["change_pct"] is None  # a margin moves in points
    assert round(rows[("gross_margin", 2019)]["change"], 2) == -0.53  # 98,392/260,174 less 101,839/265,595
    assert rows[("financing_cash_flow", 2019)]["change_pct"] is None  # an outflow has no growth rate
    assert body["summary"]["companies"] == ["Apple Inc."]


def test_only_executives_and_admins_read_analytics(scripted: Scripted) -> None:
    api = scripted.api
    for path in ("/analytics/usage", "/analytics/content", "/analytics/kpis"):
        assert api.client.get(api.url(path), headers=bearer(scripted.analyst)).status_code == 403
    _, executive = add_user(api.client, api.prefix, scripted.admin, Role.EXECUTIVE, "analytics")
    assert api.client.get(api.url("/analytics/usage"), headers=bearer(executive)).json()["summary"]["questions"] >= 6


def test_analytics_are_absent_when_switched_off() -> None:
    settings = Settings(enterprise_enabled=True, enable_advanced_analytics=False)
    with TestClient(create_standalone_app(settings)) as client:
        account = make_enterprise(settings, "no-analytics")
        token = enterprise_token(client, "/api/enterprise", account.admin_email)
        response = client.get("/api/enterprise/analytics/usage", headers=bearer(token))
        assert response.status_code == 404
        assert client.get("/api/enterprise/me", headers=bearer(token)).status_code == 200


def test_two_readers_computing_the_same_result_at_once_both_get_it(scripted: Scripted) -> None:
    """The second to store finds the key taken (a unique constraint) and keeps the first: no error."""
    runtime = EnterpriseRuntime.from_settings(scripted.api.settings, owner=True)
    both_computed = threading.Barrier(2, timeout=30)
    results: list[analytics.AnalyticsResult] = []
    errors: list[BaseException] = []
    now = datetime.now(UTC)

    def reader() -> None:
        def compute() -> Any:
            computed = analytics.content_tables(session, scripted.enterprise_id)
            both_computed.wait()  # neither has stored yet
            return computed

        try:
            with session_scope(runtime.session_factory) as session:
                freshness = analytics.Freshness(timedelta(minutes=5), now, timedelta(days=1))  # never fresh enough
                results.append(
                    analytics._through_cache(
                        session,
                        scripted.enterprise_id,
                        analytics.AnalyticsKind.CONTENT,
                        {"race": 1},
                        freshness,
                        compute,
                    )
                )
        except BaseException as error:  # any failure of a reader fails the test
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    runtime.engine.dispose()
    assert errors == []
    assert len(results) == 2
    assert results[0].summary == results[1].summary
