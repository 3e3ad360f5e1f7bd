"""Structured logging and Prometheus metrics for both products."""

from __future__ import annotations

import logging
import time

import structlog
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class RequestMetrics:
    """Counts and times requests by route template, never by raw path.

    Plain ASGI rather than an `@app.middleware("http")` function: Starlette runs those through
    BaseHTTPMiddleware, a task and a memory stream per request, about a millisecond of CPU on
    the lightest request (bench/load.py's floor). Timed to the response's last byte, so a
    streamed answer counts whole.
    """

    def __init__(self, app: ASGIApp, product: str) -> None:
        self.app = app
        self.product = product

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception before the response started is answered 500 further out

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            template = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            HTTP_REQUESTS.labels(self.product, method, template, str(status)).inc()
            HTTP_LATENCY.labels(self.product, method, template).observe(time.perf_counter() - started)
