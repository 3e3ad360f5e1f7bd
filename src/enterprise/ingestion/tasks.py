"""Ingestion jobs on the enterprise queue, and the reaper that rescues jobs of dead workers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import structlog
from huey import crontab

from enterprise.documents import repository
from enterprise.documents.models import DocumentStatus
from enterprise.ingestion.pipeline import enrich_document, index_document
from enterprise.jobs import huey
from enterprise.runtime import EnterpriseRuntime, worker_runtime
from shared.database import session_scope

log = structlog.get_logger(__name__)
INDEX_PRIORITY = 10
ENRICH_PRIORITY = 1
STALE_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 3


@huey.task(priority=INDEX_PRIORITY)
def index_document_job(document_id: str) -> None:
    if index_document(worker_runtime(), uuid.UUID(document_id)):
        enrich_document_job(document_id)


@huey.task(priority=ENRICH_PRIORITY)
def enrich_document_job(document_id: str) -> None:
    enrich_document(worker_runtime(), uuid.UUID(document_id))


def enqueue_ingestion(document_id: uuid.UUID) -> None:
    index_document_job(str(document_id))


def rescue_stalled_jobs(runtime: EnterpriseRuntime, now: datetime | None = None) -> list[uuid.UUID]:
    """Requeue documents whose worker stopped sending heartbeats; fail them after a few tries."""
    now = now or datetime.now(UTC)
    rescued: list[uuid.UUID] = []
    with session_scope(runtime.session_factory) as session:
        for document in repository.stale_documents(session, DocumentStatus.PROCESSING, now - STALE_AFTER):
            if document.attempts >= MAX_ATTEMPTS:
                document.status = DocumentStatus.FAILED
                document.error = f"processing stopped {document.attempts} times (worker lost); use reindex to try again"
                continue
            document.status = DocumentStatus.QUEUED
            document.heartbeat_at = now
            rescued.append(document.id)
    for document_id in rescued:
        log.warning("document.requeued", document_id=str(document_id))
        enqueue_ingestion(document_id)
    return rescued


@huey.periodic_task(crontab(minute="*"))
def rescue_stalled_jobs_job() -> None:
    rescue_stalled_jobs(worker_runtime())
