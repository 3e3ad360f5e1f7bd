"""A job whose worker died is picked up again, and given up after a few tries."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
from sqlalchemy import update

from enterprise.documents.models import Document, DocumentStatus
from enterprise.ingestion.pipeline import enrich_document, index_document
from enterprise.ingestion.tasks import MAX_ATTEMPTS, enqueue_rescue, plan_rescue, queued_documents, rescue_stalled_jobs
from enterprise.jobs import huey
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")


def _strand(runtime: EnterpriseRuntime, document_id: str, attempts: int) -> None:
    """What a worker killed mid-job leaves behind: processing, and a heartbeat long stopped."""
    with session_scope(runtime.session_factory) as session:
        session.execute(
            update(Document)
            .where(Document.id == uuid.UUID(document_id))
            .values(
                status=DocumentStatus.PROCESSING,
                progress=40,
                attempts=attempts,
                heartbeat_at=datetime.now(UTC) - timedelta(hours=1),
            )
        )


def _ready_memo(api: EnterpriseApi, prefix: str, text: bytes) -> tuple[str, dict]:  # type: ignore[type-arg]
    account = make_enterprise(api.settings, prefix)
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    response = api.client.post(api.url("/documents"), files={"file": ("memo.txt", text)}, headers=bearer(token))
    return token, wait_for_document(api, token, response.json()["id"])


def test_stalled_job_is_requeued_and_finishes(enterprise_api: EnterpriseApi) -> None:
    token, document = _ready_memo(enterprise_api, "stalled", b"Stalled job memo about Q3 margins.")
    runtime = EnterpriseRuntime.from_settings(enterprise_api.settings)
    _strand(runtime, document["id"], attempts=1)
    assert uuid.UUID(document["id"]) in rescue_stalled_jobs(runtime)
    again = wait_for_document(enterprise_api, token, document["id"])
    assert again["status"] == "ready"
    assert again["progress"] == 100

    _strand(runtime, document["id"], attempts=MAX_ATTEMPTS)
    assert uuid.UUID(document["id"]) not in rescue_stalled_jobs(runtime)
    failed = enterprise_api.client.get(enterprise_api.url(f"/documents/{document['id']}"), headers=bearer(token)).json()
    assert failed["status"] == "failed"
    assert "reindex" in failed["error"]
    runtime.engine.dispose()


def test_fresh_heartbeat_is_left_alone(enterprise_api: EnterpriseApi) -> None:
    _, document = _ready_memo(enterprise_api, "busy", b"A busy worker memo.")
    runtime = EnterpriseRuntime.from_settings(enterprise_api.settings)
    with session_scope(runtime.session_factory) as session:
        session.execute(
            update(Document)
            .where(Document.id == uuid.UUID(document["id"]))
            .values(status=DocumentStatus.PROCESSING, heartbeat_at=datetime.now(UTC))
        )
    assert uuid.UUID(document["id"]) not in rescue_stalled_jobs(runtime)
    runtime.engine.dispose()


def _set(runtime: EnterpriseRuntime, document_id: str, **values: object) -> None:
    with session_scope(runtime.session_factory) as session:
        session.execute(update(Document).where(Document.id == uuid.UUID(document_id)).values(**values))


def _row(runtime: EnterpriseRuntime, document_id: str) -> Document:
    with session_scope(runtime.session_factory) as session:
        document = session.get(Document, uuid.UUID(document_id))
        assert document is not None
        session.expunge(document)
        return document


def test_a_queued_document_whose_job_the_queue_lost_is_requeued(enterprise_api: EnterpriseApi) -> None:
    """Redis restarted without persistence: the document is queued and no job is left for it."""
    token, document = _ready_memo(enterprise_api, "lostjob", b"A memo whose job Redis forgot.")
    runtime = EnterpriseRuntime.from_settings(enterprise_api.settings)
    _set(runtime, document["id"], status=DocumentStatus.QUEUED, heartbeat_at=datetime.now(UTC) - timedelta(hours=1))
    assert uuid.UUID(document["id"]) in rescue_stalled_jobs(runtime)
    again = wait_for_document(enterprise_api, token, document["id"])
    assert again["status"] == "ready"
    assert _row(runtime, document["id"]).attempts == 2  # indexed once more, from its queued state
    runtime.engine.dispose()


def test_waiting_documents_are_left_alone_while_the_queue_holds_their_jobs(enterprise_api: EnterpriseApi) -> None:
    """A long queue keeps documents waiting past the heartbeat limit: that is no lost job."""
    token, document = _ready_memo(enterprise_api, "longqueue", b"A memo waiting its turn.")
    runtime = EnterpriseRuntime.from_settings(enterprise_api.settings)
    document_id = uuid.UUID(document["id"])
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    waiting_stages = {**document["stages"], "more_tables": {"status": "skipped"}, "vectors": {"status": "queued"}}
    _set(runtime, document["id"], status=DocumentStatus.PROCESSING, stages=waiting_stages, heartbeat_at=an_hour_ago)
    # Its enrichment job is still in the queue: nothing to do.
    held = plan_rescue(runtime, datetime.now(UTC), queued={document_id})
    enqueue_rescue(held)
    assert document_id not in held.requeued
    assert _row(runtime, document["id"]).heartbeat_at == an_hour_ago
    # The queue holds no job for it: its enrichment (not the whole indexing) is queued again.
    lost = plan_rescue(runtime, datetime.now(UTC), queued=queued_documents())
    enqueue_rescue(lost)
    assert document_id in lost.enriched
    again = wait_for_document(enterprise_api, token, document["id"])
    assert again["status"] == "ready"
    assert again["stages"]["vectors"]["status"] == "done"
    assert _row(runtime, document["id"]).attempts == 1
    runtime.engine.dispose()


def test_a_second_copy_of_a_job_does_nothing(enterprise_api: EnterpriseApi) -> None:
    """A job requeued by the reaper whose first copy survived after all finds its document taken."""
    token, document = _ready_memo(enterprise_api, "dupjob", b"A memo indexed once only.")
    runtime = EnterpriseRuntime.from_settings(enterprise_api.settings)
    before = _row(runtime, document["id"])
    assert index_document(runtime, uuid.UUID(document["id"])) is False
    enrich_document(runtime, uuid.UUID(document["id"]))
    after = _row(runtime, document["id"])
    assert (after.status, after.attempts, after.stages, after.ready_at) == (
        DocumentStatus.READY,
        before.attempts,
        before.stages,
        before.ready_at,
    )
    search = enterprise_api.client.get(
        enterprise_api.url("/search"), params={"q": "indexed once"}, headers=bearer(token)
    )
    assert [hit["document_id"] for hit in search.json()] == [document["id"]]
    runtime.engine.dispose()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_upload_while_the_queue_is_unreachable_is_kept_and_ingested_later(enterprise_api: EnterpriseApi) -> None:
    """Redis down for a moment: the upload is accepted (its record is committed before its job
    is queued) and the reaper queues the job that never got there."""
    api = enterprise_api
    account = make_enterprise(api.settings, "queuedown")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    reachable = huey.storage.conn
    huey.storage.conn = redis.Redis(host="127.0.0.1", port=_closed_port(), socket_connect_timeout=0.5)
    try:
        response = api.client.post(
            api.url("/documents"),
            files={"file": ("outage.txt", b"Written while Redis was down.")},
            headers=bearer(token),
        )
    finally:
        huey.storage.conn = reachable
    assert response.status_code == 202, response.text
    document_id = response.json()["id"]
    runtime = EnterpriseRuntime.from_settings(api.settings)
    assert _row(runtime, document_id).status == DocumentStatus.QUEUED
    _set(runtime, document_id, heartbeat_at=datetime.now(UTC) - timedelta(hours=1))
    assert uuid.UUID(document_id) in rescue_stalled_jobs(runtime)
    assert wait_for_document(api, token, document_id)["status"] == "ready"
    runtime.engine.dispose()
