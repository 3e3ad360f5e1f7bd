"""The enterprise ASGI application: mounted by the chatbot's root app, or run alone with
`uvicorn enterprise.app:app`. Both ways serve the same paths: /api/enterprise and /dashboard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from enterprise.analytics.router import router as analytics_router
from enterprise.answers.router import router as answers_router
from enterprise.audit.router import router as audit_router
from enterprise.auth.router import router as auth_router
from enterprise.concurrency import InFlightLimit
from enterprise.connectors.router import router as connectors_router
from enterprise.dashboard.router import create_dashboard_app
from enterprise.documents.router import router as documents_router
from enterprise.finance.router import router as finance_router
from enterprise.reports.router import router as reports_router
from enterprise.runtime import EnterpriseRuntime
from enterprise.webhooks.router import router as webhooks_router
from shared.health import health_report
from shared.http_errors import ERROR_RESPONSES, install_error_handlers
from shared.jobs import InProcessWorkers
from shared.observability import RequestMetrics, configure_logging
from shared.request_guards import RefuseNulCharacters
from shared.security_headers import API_POLICY, SecurityHeaders
from shared.settings import Settings, get_settings

API_PREFIX = "/api/enterprise"
DASHBOARD_PREFIX = "/dashboard"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    runtime: EnterpriseRuntime = app.state.runtime
    runtime.lifespan_entries += 1
    workers = _in_process_workers(runtime.settings)
    try:
        yield
    finally:
        if workers is not None:
            workers.stop()
        runtime.engine.dispose()


def _in_process_workers(settings: Settings) -> InProcessWorkers | None:
    """Without Redis (the embedded default) this process runs the jobs itself."""
    if not settings.run_jobs_in_process:
        return None
    from enterprise.ingestion.tasks import rescue_stalled_jobs
    from enterprise.jobs import register_jobs
    from enterprise.runtime import worker_runtime

    huey = register_jobs()

    rescue_stalled_jobs(worker_runtime())
    workers = InProcessWorkers(huey, workers=settings.job_workers)
    workers.start()
    return workers


def create_enterprise_app(settings: Settings | None = None) -> FastAPI:
    """The API (to mount at /api/enterprise); its dashboard app is `app.state.dashboard`."""
    settings = settings or get_settings()
    runtime = EnterpriseRuntime.from_settings(settings)
    api = FastAPI(
        title="Enterprise AI Brain",
        version="0.1.0",
        lifespan=_lifespan,
        debug=settings.debug,
    )
    api.state.runtime = runtime
    api.state.health_engines = {"enterprise": runtime.engine}
    install_error_handlers(api)
    api.add_middleware(RequestMetrics, product="enterprise")
    api.add_middleware(RefuseNulCharacters)
    # The interactive API reference loads Swagger UI's own scripts: no page policy on it.
    api.add_middleware(
        SecurityHeaders,
        policy=API_POLICY,
        strict_transport=settings.environment == "production",
        exempt_paths=("/docs", "/redoc", "/docs/oauth2-redirect"),
    )
    if settings.cors_origin_list:
        api.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    # Outermost: a request waiting for its turn holds nothing yet.
    api.add_middleware(InFlightLimit, limit=settings.database_pool_size + settings.database_max_overflow)
    routers = (
        auth_router,
        documents_router,
        answers_router,
        finance_router,
        audit_router,
        reports_router,
        webhooks_router,
        connectors_router,
    )
    for router in routers:
        api.include_router(router, responses=ERROR_RESPONSES)
    if settings.enable_advanced_analytics:
        api.include_router(analytics_router, responses=ERROR_RESPONSES)
    api.state.dashboard = create_dashboard_app(runtime)
    return api


def create_standalone_app(settings: Settings | None = None) -> FastAPI:
    """The enterprise product as its own service, on the same paths as when mounted."""
    settings = settings or get_settings()
    configure_logging(settings.debug)
    api = create_enterprise_app(settings)

    @asynccontextmanager
    async def lifespan(_host: FastAPI) -> AsyncIterator[None]:
        async with api.router.lifespan_context(api):
            yield

    host = FastAPI(title="Enterprise AI Brain (standalone)", lifespan=lifespan, docs_url=None, redoc_url=None)
    install_error_handlers(host)

    @host.get("/health", include_in_schema=False)
    def health() -> JSONResponse:
        status, body = health_report(settings, api.state.health_engines)
        return JSONResponse(body, status_code=status)

    @host.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    host.mount(API_PREFIX, api)
    host.mount(DASHBOARD_PREFIX, api.state.dashboard)
    return host


def __getattr__(name: str) -> FastAPI:
    # `uvicorn enterprise.app:app` builds the app on first access, not at import.
    if name == "app":
        return create_standalone_app()
    raise AttributeError(name)
