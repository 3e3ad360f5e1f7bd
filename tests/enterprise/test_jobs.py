"""A job whose worker died is picked up again, and given up after a few tries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from enterprise.documents.models import Document, DocumentStatus
from enterprise.ingestion.tasks import MAX_ATTEMPTS, rescue_stalled_jobs
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
