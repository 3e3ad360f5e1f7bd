"""Background jobs on huey: Redis when REDIS_URL is set (run `brain worker`), otherwise an
SQLite-backed queue drained by worker threads inside the server process. Both honour task
priorities, so short jobs are not stuck behind long ones."""

from __future__ import annotations

from huey import PriorityRedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer

from shared.settings import Settings


def create_huey(settings: Settings, name: str) -> Huey:
    if settings.redis_url:
        return PriorityRedisHuey(name, url=settings.redis_url, utc=True)
    queue_dir = settings.data_dir / "jobs"
    queue_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(queue_dir / f"{name}.db"), utc=True)


class InProcessWorkers:
    """Huey's consumer run on threads of this process, for the embedded default."""

    def __init__(self, huey: Huey, workers: int = 1, periodic: bool = True) -> None:
        """`periodic`: also run the minute ticks (scheduled reports and syncs, retries, refreshes)."""
        self._consumer = Consumer(huey, workers=workers, worker_type="thread", periodic=periodic)
        # Consumer.start() takes over SIGTERM and SIGINT, which belong to the host server here:
        # with them taken, uvicorn would never hear the signal to shut down.
        self._consumer._set_signal_handlers = lambda: None
        self._running = False

    def start(self) -> None:
        if self._running:
            return
        self._consumer.start()
        self._running = True

    def stop(self) -> None:
        if not self._running:
            return
        self._consumer.stop(graceful=True)
        self._running = False
