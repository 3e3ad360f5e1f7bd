"""The job queue: Redis with a separate worker when REDIS_URL is set, SQLite in-process otherwise."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

from huey import PriorityRedisHuey, SqliteHuey

from shared.jobs import InProcessWorkers, create_huey
from shared.settings import Settings


def _register_echo(huey, results: dict[str, str], done: threading.Event):  # type: ignore[no-untyped-def]
    @huey.task()
    def remember(key: str, value: str) -> str:
        results[key] = value
        done.set()
        return value.upper()

    return remember


def test_redis_queue_runs_jobs_on_worker_threads() -> None:
    huey = create_huey(Settings(), f"test-{uuid.uuid4().hex[:6]}")
    assert isinstance(huey, PriorityRedisHuey)
    results: dict[str, str] = {}
    done = threading.Event()
    remember = _register_echo(huey, results, done)
    pending = remember("greeting", "hola")
    assert len(huey) == 1  # queued in Redis, not run inline
    workers = InProcessWorkers(huey)
    workers.start()
    try:
        assert done.wait(timeout=20)
        assert pending.get(blocking=True, timeout=20) == "HOLA"
    finally:
        workers.stop()
    assert results == {"greeting": "hola"}
    huey.flush()


def test_embedded_queue_is_sqlite(tmp_path: Path) -> None:
    huey = create_huey(Settings(redis_url=None, data_dir=tmp_path), "embedded")
    assert isinstance(huey, SqliteHuey)
    results: dict[str, str] = {}
    done = threading.Event()
    remember = _register_echo(huey, results, done)
    remember("k", "v")
    workers = InProcessWorkers(huey)
    workers.start()
    try:
        assert done.wait(timeout=20)
    finally:
        workers.stop()
    assert (tmp_path / "jobs" / "embedded.db").exists()
    assert results == {"k": "v"}
