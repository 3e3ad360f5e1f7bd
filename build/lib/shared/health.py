"""Readiness checks of the services a process depends on."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy import text
from sqlalchemy.engine import Engine

from shared.settings import Settings
from shared.vectorstore import get_chroma_client

log = structlog.get_logger(__name__)


def _timed(name: str, check: Callable[[], object]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # a failing dependency is reported, never raised
        # The message can hold a host, a user or a path: it goes to the log, the response says its kind.
        log.warning("health.check_failed", check=name, error=f"{type(exc).__name__}: {exc}"[:500])
        return {"status": "down", "error": type(exc).__name__}
    return {"status": "up", "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


def check_database(engine: Engine) -> dict[str, Any]:
    def probe() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    return _timed(f"database:{engine.dialect.name}", probe) | {"backend": engine.dialect.name}


def check_chroma(settings: Settings) -> dict[str, Any]:
    return _timed("chroma", lambda: get_chroma_client(settings).heartbeat()) | {
        "mode": "server" if settings.chroma_url else "embedded"
    }


def check_redis(settings: Settings) -> dict[str, Any] | None:
    if not settings.redis_url:
        return None
    url = settings.redis_url

    def probe() -> None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
        finally:
            client.close()

    return _timed("redis", probe)


def health_report(settings: Settings, engines: dict[str, Engine]) -> tuple[int, dict[str, Any]]:
    checks: dict[str, Any] = {f"database:{name}": check_database(engine) for name, engine in engines.items()}
    checks["chroma"] = check_chroma(settings)
    redis_check = check_redis(settings)
    if redis_check is not None:
        checks["redis"] = redis_check
    healthy = all(check["status"] == "up" for check in checks.values())
    return (200 if healthy else 503), {"status": "ok" if healthy else "degraded", "checks": checks}
