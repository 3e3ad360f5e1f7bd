"""Outgoing webhooks: a receiver started by the test verifies every delivery's signature with
Standard Webhooks' own library, sees a retry after it answers 500 (same message id, a new
timestamp), and the admin reads each attempt in the delivery log."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from enterprise.auth.models import Role
from enterprise.webhooks.service import target_refusal
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import add_user, bearer, enterprise_token, make_enterprise
from tests.webhook_receiver import Receiver, webhook_receiver

pytestmark = pytest.mark.usefixtures("job_worker")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as running:
        yield running


def _deliveries(
    api: EnterpriseApi, token: str, webhook_id: str, until: Any, timeout: float = 60
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        log = api.client.get(api.url(f"/webhooks/{webhook_id}/deliveries"), headers=bearer(token))
        assert log.status_code == 200, log.text
        items: list[dict[str, Any]] = log.json()["items"]
        if until(items):
            return items
        assert time.monotonic() < deadline, items
        time.sleep(0.2)


def test_signed_deliveries_retried_after_a_500_and_logged(enterprise_api: EnterpriseApi, receiver: Receiver) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "webhooks")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    made = api.client.post(
        api.url("/webhooks"),
        json={"url": receiver.url, "events": ["document.ready", "document.failed"], "description": "ERP"},
        headers=bearer(token),
    )
    assert made.status_code == 201, made.text
    webhook = made.json()
    secret = webhook["secret"]
    assert secret.startswith("whsec_")
    listed = api.client.get(api.url("/webhooks"), headers=bearer(token)).json()
    assert [w["id"] for w in listed] == [webhook["id"]]
    assert "secret" not in listed[0]

    receiver.answers = [500]
    uploaded = api.client.post(
        api.url("/documents"),
        files={"file": ("policy.txt", b"Expenses are approved by the finance director within five days.")},
        headers=bearer(token),
    ).json()
    assert wait_for_document(api, token, uploaded["id"])["status"] == "ready"
    first, retry = receiver.wait_for(2)
    assert (first.answered, retry.answered) == (500, 200)
    assert retry.at - first.at >= 0.4  # WEBHOOK_RETRY_SECONDS=0.5 in the tests
    verifier = Webhook(secret)
    for delivery in (first, retry):
        payload = verifier.verify(delivery.body, delivery.headers)  # raises on a bad signature
        assert payload["type"] == "document.ready"
        assert payload["data"]["document_id"] == uploaded["id"]
        assert payload["data"]["filename"] == "policy.txt"
        assert payload["data"]["status"] == "ready"
    assert first.headers["webhook-id"] == retry.headers["webhook-id"]
    tampered = {**retry.headers, "webhook-signature": first.headers["webhook-signature"].replace("v1,", "v1,A")}
    with pytest.raises(Exception, match="signature"):
        verifier.verify(retry.body, tampered)

    log = _deliveries(api, token, webhook["id"], lambda items: items and items[0]["status"] == "delivered")
    assert log[0]["id"] == first.headers["webhook-id"]
    assert log[0]["attempts"] == 2
    assert [a["status_code"] for a in log[0]["log"]] == [500, 200]

    broken = api.client.post(
        api.url("/documents"), files={"file": ("broken.pdf", b"%PDF-1.7 not really a pdf")}, headers=bearer(token)
    ).json()
    assert wait_for_document(api, token, broken["id"])["status"] == "failed"
    failed = receiver.wait_for(3)[2]
    body = verifier.verify(failed.body, failed.headers)
    assert body["type"] == "document.failed"
    assert body["data"]["document_id"] == broken["id"]
    assert body["data"]["error"]

    ping = api.client.post(api.url(f"/webhooks/{webhook['id']}/ping"), headers=bearer(token))
    assert ping.status_code == 202
    assert json.loads(receiver.wait_for(4)[3].body)["type"] == "ping"


def test_a_receiver_that_keeps_failing_is_given_up_and_a_paused_one_gets_nothing(
    enterprise_api: EnterpriseApi, receiver: Receiver
) -> None:
    from enterprise.runtime import worker_runtime
    from enterprise.webhooks.service import deliver_due

    api = enterprise_api
    account = make_enterprise(api.settings, "webhooks-down")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    webhook = api.client.post(
        api.url("/webhooks"), json={"url": receiver.url, "events": ["document.ready"]}, headers=bearer(token)
    ).json()
    receiver.answers = [503] * 50
    ping = api.client.post(api.url(f"/webhooks/{webhook['id']}/ping"), headers=bearer(token)).json()
    runtime = worker_runtime()
    # The retries' waits (0.5 s, 2 s, 8 s, …) are passed by a clock moved ahead, not by sleeping.
    from datetime import UTC, datetime, timedelta

    clock = datetime.now(UTC)
    for _ in range(runtime.settings.webhook_max_attempts + 2):
        clock += timedelta(hours=13)
        deliver_due(runtime.session_factory, runtime.settings, now=clock)
    log = _deliveries(api, token, webhook["id"], lambda items: items and items[0]["status"] == "failed")
    assert log[0]["id"] == ping["id"]
    assert log[0]["attempts"] == runtime.settings.webhook_max_attempts
    assert all(a["status_code"] == 503 for a in log[0]["log"])

    paused = api.client.patch(api.url(f"/webhooks/{webhook['id']}"), json={"is_active": False}, headers=bearer(token))
    assert paused.status_code == 200
    assert paused.json()["is_active"] is False
    seen = len(receiver.received)
    uploaded = api.client.post(
        api.url("/documents"), files={"file": ("quiet.txt", b"Nobody is told about this one.")}, headers=bearer(token)
    ).json()
    assert wait_for_document(api, token, uploaded["id"])["status"] == "ready"
    time.sleep(1.0)
    assert len(receiver.received) == seen
    rotated = api.client.patch(
        api.url(f"/webhooks/{webhook['id']}"), json={"rotate_secret": True}, headers=bearer(token)
    )
    assert rotated.json()["secret"].startswith("whsec_")


def test_webhook_rules(enterprise_api: EnterpriseApi, receiver: Receiver) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "webhook-rules")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    _, executive = add_user(api.client, api.prefix, token, Role.EXECUTIVE, account.slug)
    assert api.client.get(api.url("/webhooks"), headers=bearer(executive)).status_code == 403
    for body, field in (
        ({"url": "ftp://example.com/x", "events": ["document.ready"]}, "url"),
        ({"url": "https://user:pw@example.com/x", "events": ["document.ready"]}, "url"),
        ({"url": receiver.url, "events": ["document.deleted"]}, "events"),
        ({"url": receiver.url, "events": []}, "events"),
        ({"url": receiver.url, "events": ["ping"]}, "events"),
    ):
        refused = api.client.post(api.url("/webhooks"), json=body, headers=bearer(token))
        assert refused.status_code == 422, (body, refused.text)
        assert field in refused.text
    mine = api.client.post(
        api.url("/webhooks"), json={"url": receiver.url, "events": ["report.generated"]}, headers=bearer(token)
    ).json()
    other = make_enterprise(api.settings, "webhook-other")
    other_token = enterprise_token(api.client, api.prefix, other.admin_email)
    for method, path in (("PATCH", ""), ("DELETE", ""), ("POST", "/ping"), ("GET", "/deliveries")):
        crossed = api.client.request(
            method,
            api.url(f"/webhooks/{mine['id']}{path}"),
            headers=bearer(other_token),
            json={"description": "x"} if method == "PATCH" else None,
        )
        assert crossed.status_code == 404, (method, path)
    assert api.client.delete(api.url(f"/webhooks/{mine['id']}"), headers=bearer(token)).status_code == 204
    assert api.client.get(api.url("/webhooks"), headers=bearer(token)).json() == []


def test_a_receiver_on_a_private_network_is_refused_unless_allowed() -> None:
    assert target_refusal("http://127.0.0.1:9/x", allow_private_networks=True) is None
    assert "https" in str(target_refusal("http://example.com/x", allow_private_networks=False))
    assert "private or local" in str(target_refusal("https://127.0.0.1/x", allow_private_networks=False))
    assert "private or local" in str(target_refusal("https://[::1]/x", allow_private_networks=False))
    assert "private or local" in str(target_refusal("https://10.1.2.3/x", allow_private_networks=False))
    assert "resolve" in str(target_refusal("https://no-such-host.invalid/x", allow_private_networks=False))


def test_a_report_generated_event(enterprise_api: EnterpriseApi, receiver: Receiver) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "webhook-report")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    hook = api.client.post(
        api.url("/webhooks"), json={"url": receiver.url, "events": ["report.generated"]}, headers=bearer(token)
    ).json()
    report = api.client.post(api.url("/reports"), json={"days": 7, "language": "es"}, headers=bearer(token)).json()
    delivered = receiver.wait_for(1, timeout=120)[0]
    event = Webhook(hook["secret"]).verify(delivered.body, delivered.headers)
    assert event["type"] == "report.generated"
    assert event["data"]["report_id"] == report["id"]
    assert event["data"]["language"] == "es"
    assert event["data"]["pdf_bytes"] > 0
    done = api.client.get(api.url(f"/reports/{report['id']}"), headers=bearer(token)).json()
    assert done["status"] == "done"
