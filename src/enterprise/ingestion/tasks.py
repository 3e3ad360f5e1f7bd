"""Ingestion jobs on the enterprise queue, and the reaper that rescues jobs of dead workers and
jobs the queue lost."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import structlog
from huey import crontab

from enterprise.documents import repository
from enterprise.documents.models import Document, DocumentStatus
from enterprise.ingestion.pipeline import enrich_document, index_document, waits_for_enrichment
from enterprise.jobs import huey
from enterprise.runtime import EnterpriseRuntime, worker_runtime
from shared.database import session_scope

log = structlog.get_logger(__name__)
INDEX_PRIORITY = 10
ENRICH_PRIORITY = 1
# Above every other job: behind a long queue the reaper would wait for the very jobs it rescues.
RESCUE_PRIORITY = 100
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


@dataclass
class Rescue:
    """What one pass of the reaper requeued: from the start, or only the enrichment."""

    indexed: list[uuid.UUID] = field(default_factory=list)
    enriched: list[uuid.UUID] = field(default_factory=list)

    @property
    def requeued(self) -> list[uuid.UUID]:
        return self.indexed + self.enriched


def rescue_stalled_jobs(runtime: EnterpriseRuntime, now: datetime | None = None) -> list[uuid.UUID]:
    """Requeue what no worker will finish; fail a document after a few tries. Returns the ids requeued.

    Two ways a document is left behind. A worker died in the middle of its job: the document is
    processing and its heartbeat stopped; it starts again (its unchanged vectors are reused).
    The queue lost its job (Redis restarted without persistence): the document waits, queued or
    searchable with its enrichment queued, and no job for it is left in the queue. A waiting
    document's heartbeat stops too, and a long queue may keep it waiting for an hour, so only
    those the queue holds no job for are requeued; a job taken from the queue but not yet
    started is covered by the heartbeat's limit, and a duplicate job finds its document taken
    and does nothing.
    """
    rescue = plan_rescue(runtime, now or datetime.now(UTC), queued_documents())
    enqueue_rescue(rescue)
    return rescue.requeued


def enqueue_rescue(rescue: Rescue) -> None:
    for document_id in rescue.indexed:
        log.warning("document.requeued", document_id=str(document_id))
        enqueue_ingestion(document_id)
    for document_id in rescue.enriched:
        log.warning("document.enrichment_requeued", document_id=str(document_id))
        enrich_document_job(str(document_id))


def queued_documents() -> set[uuid.UUID]:
    """The documents the queue holds an ingestion job for (each message read: the queue holds at
    most one or two per document)."""
    names = {"index_document_job", "enrich_document_job"}
    return {uuid.UUID(str(task.args[0])) for task in huey.pending() if task.name in names and task.args}


def plan_rescue(runtime: EnterpriseRuntime, now: datetime, queued: set[uuid.UUID]) -> Rescue:
    """Marks what is to be requeued (or failed) and commits it; the caller enqueues. `queued`:
    the documents the queue holds a job for."""
    stale_before = now - timedelta(seconds=runtime.settings.ingestion_stale_seconds)
    rescue = Rescue()
    with session_scope(runtime.session_factory) as session:
        for document in repository.unfinished_documents(session):
            if document.heartbeat_at is None or document.heartbeat_at >= stale_before:
                continue
            if _waits_for_a_job(document):
                if document.id in queued:
                    continue
                document.heartbeat_at = now
                if document.status == DocumentStatus.QUEUED:
                    rescue.indexed.append(document.id)
                else:
                    rescue.enriched.append(document.id)
                continue
            if document.attempts >= MAX_ATTEMPTS:
                document.status = DocumentStatus.FAILED
                document.error = f"processing stopped {document.attempts} times (worker lost); use reindex to try again"
                continue
            document.status = DocumentStatus.QUEUED
            document.heartbeat_at = now
            rescue.indexed.append(document.id)
    return rescue


def _waits_for_a_job(document: Document) -> bool:
    return document.status == DocumentStatus.QUEUED or waits_for_enrichment(document)


@huey.periodic_task(crontab(minute="*"), priority=RESCUE_PRIORITY)
def rescue_stalled_jobs_job() -> None:
    rescue_stalled_jobs(worker_runtime())
