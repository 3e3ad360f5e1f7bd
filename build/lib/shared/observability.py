"""Structured logging and Prometheus metrics for both products."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import structlog
from prometheus_client import Counter, Histogram
from starlette.requests import Request
from starlette.responses import Response

from shared.secrets import redact_secrets

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests served", ["product", "method", "route", "status"])
HTTP_LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["product", "method", "route"])


def configure_logging(debug: bool) -> None:
    level = logging.DEBUG if debug else logging.INFO
    logging.basicConfig(level=level, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            redact_secrets,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )


def request_metrics(product: str) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """An HTTP middleware that counts and times requests by route template, never by raw path."""

    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        HTTP_REQUESTS.labels(product, request.method, template, str(response.status_code)).inc()
        HTTP_LATENCY.labels(product, request.method, template).observe(time.perf_counter() - started)
        return response

    return middleware
