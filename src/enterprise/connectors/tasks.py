"""Connector jobs: a run asked for, and each worker's minute tick (scheduled syncs, and runs
whose worker died, taken over and resumed from their cursor)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from huey import crontab

from enterprise.connectors import repository, service
from enterprise.connectors.sync import STALE_AFTER, run_sync
from enterprise.jobs import huey
from enterprise.runtime import worker_runtime
from shared.database import session_scope

SYNC_PRIORITY = 3


@huey.task(priority=SYNC_PRIORITY)
def sync_connector_job(run_id: str) -> None:
    run_sync(worker_runtime(), uuid.UUID(run_id))


@huey.periodic_task(crontab(minute="*"))
def connector_tick_job() -> None:
    runtime = worker_runtime()
    now = datetime.now(UTC)
    with session_scope(runtime.session_factory) as session:
        service.schedule_due(session, now)
    with session_scope(runtime.session_factory) as session:
        waiting = list(repository.waiting_runs(session, now - STALE_AFTER))
    for run_id in waiting:
        enqueue_sync(run_id)


def enqueue_sync(run_id: uuid.UUID) -> None:
    sync_connector_job(str(run_id))
