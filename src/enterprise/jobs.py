"""The enterprise job queue. Tasks register on `huey` at import; `brain worker` consumes it."""

from __future__ import annotations

from huey.api import Huey

from shared.jobs import create_huey
from shared.settings import get_settings

huey = create_huey(get_settings(), "enterprise")


def register_jobs() -> Huey:
    """The queue with every enterprise job on it (each module registers its own at import)."""
    import enterprise.analytics.tasks
    import enterprise.connectors.tasks
    import enterprise.ingestion.tasks
    import enterprise.reports.tasks
    import enterprise.webhooks.tasks  # noqa: F401

    return huey
