"""Report jobs on the enterprise queue: each worker's minute tick, and a report asked for."""

from __future__ import annotations

import uuid

from huey import crontab

from enterprise.jobs import huey
from enterprise.reports import service
from enterprise.runtime import worker_runtime

REPORT_PRIORITY = 5


@huey.periodic_task(crontab(minute="*"))
def report_tick_job() -> None:
    runtime = worker_runtime()
    if service.tick(runtime.session_factory, runtime.settings):
        runtime.webhooks_recorded()  # a report.generated event may wait for a webhook


@huey.task(priority=REPORT_PRIORITY)
def generate_report_job(report_id: str) -> None:
    runtime = worker_runtime()
    if service.generate(runtime.session_factory, runtime.settings, uuid.UUID(report_id)):
        runtime.webhooks_recorded()  # a report.generated event may wait for a webhook


def enqueue_report(report_id: uuid.UUID) -> None:
    generate_report_job(str(report_id))
