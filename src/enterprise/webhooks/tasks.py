"""Webhook jobs: send what is due now (asked for after an event is committed), and each
worker's minute tick for retries whose time has come."""

from __future__ import annotations

from datetime import UTC, datetime

from huey import crontab

from enterprise.jobs import huey
from enterprise.runtime import worker_runtime
from enterprise.webhooks import service

WEBHOOK_PRIORITY = 8
# A retry due sooner than the next minute tick gets a job of its own at its time.
TICK_SECONDS = 60


def _deliver() -> None:
    runtime = worker_runtime()
    next_due = service.deliver_due(runtime.session_factory, runtime.settings)
    if next_due is None:
        return
    wait = (next_due - datetime.now(UTC)).total_seconds()
    if wait < TICK_SECONDS:
        deliver_webhooks_job.schedule(delay=max(wait, 0.2))


@huey.task(priority=WEBHOOK_PRIORITY)
def deliver_webhooks_job() -> None:
    _deliver()


@huey.periodic_task(crontab(minute="*"))
def webhook_tick_job() -> None:
    _deliver()


def enqueue_delivery() -> None:
    deliver_webhooks_job()
