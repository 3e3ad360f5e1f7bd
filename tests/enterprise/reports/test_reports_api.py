"""Reports through the API, as an executive uses them: asked for, written by the worker, opened as
HTML and PDF (with the Apple 10-K's figures), mailed over SMTP, in Spanish, and kept to their
enterprise and roles."""

from __future__ import annotations

import time
import unicodedata
import uuid
from html.parser import HTMLParser
from typing import Any

import html5lib
import pymupdf
import pytest

from enterprise.auth.models import Role
from enterprise.clock import utc_now
from enterprise.reports.models import ReportStatus
from tests.enterprise.conftest import EnterpriseApi
from tests.factories import add_user, bearer, enterprise_token, make_enterprise
from tests.smtp import Outbox

pytestmark = pytest.mark.usefixtures("job_worker")
Apple = tuple[EnterpriseApi, str, dict[str, Any], list[dict[str, Any]]]
QUESTION = "What was Apple's revenue in fiscal 2019?"


def _wait_for_report(api: EnterpriseApi, token: str, report_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen: list[int] = []
    while True:
        body: dict[str, Any] = api.client.get(api.url(f"/reports/{report_id}"), headers=bearer(token)).json()
        seen.append(body["progress"])
        if body["status"] in ("done", "failed"):
            body["progress_seen"] = seen
            return body
        assert time.monotonic() < deadline, f"report still {body['status']} at {body['progress']}%"
        time.sleep(0.2)


def _ask_for_report(api: EnterpriseApi, token: str, **body: Any) -> dict[str, Any]:
    response = api.client.post(api.url("/reports"), json=body, headers=bearer(token))
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "pending"
    report = _wait_for_report(api, token, response.json()["id"])
    assert report["status"] == "done", report["error"]
    return report


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value for name, value in attrs if tag == "a" and name == "href" and value]


@pytest.fixture(scope="module")
def english_report(apple_10k: Apple) -> tuple[Apple, dict[str, Any]]:
    api, token, _, _ = apple_10k
    for question in (QUESTION, QUESTION.lower(), "Who audits the <b>company</b>?"):
        assert api.client.post(api.url("/query"), json={"question": question}, headers=bearer(token)).status_code == 200
    # The enterprise is shared by both API modes' tests: the other mode may have asked it too.
    log = api.client.get(api.url("/queries"), params={"q": QUESTION}, headers=bearer(token)).json()
    assert log["total"] >= 2
    report = _ask_for_report(api, token, days=30, language="en")
    report["times_asked"] = log["total"]
    return apple_10k, report


def test_the_pdf_holds_the_kpis_and_their_change_read_from_the_filing(
    english_report: tuple[Apple, dict[str, Any]],
) -> None:
    (api, token, _, _), report = english_report
    response = api.client.get(api.url(f"/reports/{report['id']}/pdf"), headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    text = " ".join(page.get_text() for page in pymupdf.open(stream=response.content, filetype="pdf"))
    flat = " ".join(unicodedata.normalize("NFKC", text).split())  # the PDF's "ﬁ" ligature read as "fi"
    assert "Executive report" in flat
    assert "260,174 USD millions" in flat  # Apple's fiscal 2019 revenue, from its income statement
    assert "-2.0 %" in flat, flat  # on fiscal 2018 265,595
    assert "55,256 USD millions" in flat  # net income
    assert "APPLE_2019_10K.pdf p. 32" in flat  # where revenue is printed
    asked = flat[flat.index("Most asked") :]
    # Both wordings counted as one question (other tests ask this enterprise other questions).
    assert f" {QUESTION} {report['times_asked']} " in asked, asked[:600]
    assert asked.lower().count(QUESTION.lower()) == 1, asked[:600]
    assert report["pdf_bytes"] == len(response.content)
    assert 100 in report["progress_seen"]


def test_the_html_is_valid_and_every_link_opens(english_report: tuple[Apple, dict[str, Any]]) -> None:
    (api, token, document, _), report = english_report
    response = api.client.get(api.url(f"/reports/{report['id']}/html"), headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src" not in response.headers["content-security-policy"]  # nothing may run
    html5lib.HTMLParser(strict=True).parse(response.text)  # raises on any parse error
    assert "Who audits the &lt;b&gt;company&lt;/b&gt;?" in response.text  # a member's words, escaped
    links = _Links()
    links.feed(response.text)
    assert f"/dashboard/documents/{document['id']}/statements" in links.hrefs
    for href in set(links.hrefs):
        assert href.startswith("/dashboard/")
        assert api.client.get(href).status_code == 200, href


def test_reports_are_listed_newest_first(english_report: tuple[Apple, dict[str, Any]]) -> None:
    (api, token, _, _), report = english_report
    page = api.client.get(api.url("/reports"), headers=bearer(token)).json()
    assert page["total"] >= 1
    assert page["items"][0]["id"] == report["id"]
    assert page["items"][0]["trigger"] == "on_demand"


def test_a_spanish_report_writes_spanish_and_its_numbers_as_spanish_does(apple_10k: Apple) -> None:
    api, token, _, _ = apple_10k
    report = _ask_for_report(api, token, days=7, language="es")
    html = api.client.get(api.url(f"/reports/{report['id']}/html"), headers=bearer(token)).text
    assert report["title"].startswith("Informe ejecutivo")
    assert "Cifras clave" in html
    assert "260.174 millones de USD" in html
    assert "-2,0 %" in html


def test_a_report_is_mailed_to_the_enterprises_recipients(apple_10k: Apple, smtp_outbox: Outbox) -> None:
    api, token, _, _ = apple_10k
    recipient = f"cfo-{uuid.uuid4().hex[:6]}@apple-reader.example"
    response = api.client.put(api.url("/reports/schedule"), json={"recipients": [recipient]}, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["recipients"] == [recipient]
    assert response.json()["mail_configured"] is True
    report = _ask_for_report(api, token, days=7, language="en")

    deadline = time.monotonic() + 30
    while not smtp_outbox.to(recipient):
        assert time.monotonic() < deadline, "no message reached the SMTP server"
        time.sleep(0.2)
    (delivered,) = smtp_outbox.to(recipient)
    assert delivered.message["Subject"] == report["title"]
    attachment = next(delivered.message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    assert "260,174" in pymupdf.open(stream=pdf, filetype="pdf")[0].get_text()
    html_part = delivered.message.get_body(preferencelist=("html",))
    assert html_part is not None
    assert "260,174" in html_part.get_content()
    assert _delivered(api, token, report) == [recipient]
    api.client.put(api.url("/reports/schedule"), json={"recipients": []}, headers=bearer(token))


def _delivered(api: EnterpriseApi, token: str, report: dict[str, Any]) -> list[str]:
    """Delivery is recorded right after the server accepts the message."""
    deadline = time.monotonic() + 10
    while True:
        body = api.client.get(api.url(f"/reports/{report['id']}"), headers=bearer(token)).json()
        if body["delivered_to"] or time.monotonic() > deadline:
            return list(body["delivered_to"])
        time.sleep(0.2)


def test_schedules_are_checked_before_they_are_kept(apple_10k: Apple) -> None:
    api, token, _, _ = apple_10k
    for body, field in (
        ({"cron": "0 9 * *"}, "cron"),
        ({"cron": "61 9 * * 1"}, "cron"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"language": "fr"}, "language"),
        ({"recipients": ["not-an-address"]}, "recipients"),
        ({"surprise": True}, "surprise"),
    ):
        response = api.client.put(api.url("/reports/schedule"), json=body, headers=bearer(token))
        assert response.status_code == 422, (body, response.text)
        assert field in response.text
    changed = api.client.put(
        api.url("/reports/schedule"),
        json={"cron": "30 7 * * 1-5", "timezone": "America/Mexico_City", "language": "es"},
        headers=bearer(token),
    ).json()
    assert changed["cron"] == "30 7 * * 1-5"
    assert changed["custom_cron"] is True
    assert changed["timezone"] == "America/Mexico_City"
    reset = api.client.put(
        api.url("/reports/schedule"), json={"reset_cron": True, "language": "en"}, headers=bearer(token)
    ).json()
    assert reset["cron"] == api.settings.report_schedule_cron
    assert reset["custom_cron"] is False
    for days in (0, 367):
        assert api.client.post(api.url("/reports"), json={"days": days}, headers=bearer(token)).status_code == 422


def test_a_report_not_yet_written_has_no_files(apple_10k: Apple) -> None:
    api, token, _, _ = apple_10k
    from enterprise.reports import service
    from enterprise.runtime import EnterpriseRuntime
    from shared.database import session_scope

    runtime = EnterpriseRuntime.from_settings(api.settings, owner=True)
    me = api.client.get(api.url("/me"), headers=bearer(token)).json()
    with session_scope(runtime.session_factory) as session:
        from enterprise.auth.models import User

        user = session.get(User, uuid.UUID(me["id"]))
        assert user is not None
        writing = service.request_report(session, user, 7, None, api.settings)  # not enqueued
        # As a live worker holds it: no other worker takes it for minutes.
        writing.status, writing.heartbeat_at, writing.claimed_by = ReportStatus.RUNNING, utc_now(), "busy-worker"
        pending_id = str(writing.id)
    runtime.engine.dispose()
    for suffix in ("html", "pdf"):
        response = api.client.get(api.url(f"/reports/{pending_id}/{suffix}"), headers=bearer(token))
        assert response.status_code == 409
        assert "not done" in response.json()["detail"]


def test_roles_and_enterprises_are_walls(english_report: tuple[Apple, dict[str, Any]]) -> None:
    (api, token, _, _), report = english_report
    slug = "apple-reader"
    for role in (Role.VIEWER, Role.ANALYST):
        _, member = add_user(api.client, api.prefix, token, role, slug)
        assert api.client.get(api.url("/reports"), headers=bearer(member)).status_code == 403
        assert api.client.get(api.url(f"/reports/{report['id']}/pdf"), headers=bearer(member)).status_code == 403
    _, executive = add_user(api.client, api.prefix, token, Role.EXECUTIVE, slug)
    assert api.client.get(api.url(f"/reports/{report['id']}/pdf"), headers=bearer(executive)).status_code == 200
    assert api.client.put(api.url("/reports/schedule"), json={}, headers=bearer(executive)).status_code == 403

    other = make_enterprise(api.settings, "rival")
    rival = enterprise_token(api.client, api.prefix, other.admin_email)
    for suffix in ("", "/html", "/pdf"):
        response = api.client.get(api.url(f"/reports/{report['id']}{suffix}"), headers=bearer(rival))
        assert response.status_code == 404, suffix
    assert api.client.get(api.url("/reports"), headers=bearer(rival)).json()["total"] == 0
