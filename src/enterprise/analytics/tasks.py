"""The analytics refresher on the enterprise queue: each minute, the results members read are
computed again where their data changed, so readers are served from the cache."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab

from enterprise.analytics import service
from enterprise.jobs import huey
from enterprise.runtime import worker_runtime


@huey.periodic_task(crontab(minute="*"))
def analytics_refresh_job() -> None:
    runtime = worker_runtime()
    settings = runtime.settings
    if not settings.enable_advanced_analytics:
        return
    service.refresh(
        runtime.session_factory, timedelta(seconds=settings.analytics_cache_seconds), service.Prices.of(settings)
    )
