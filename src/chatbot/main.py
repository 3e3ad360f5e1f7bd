"""The root application: the chatbot at /api/chat, plus the enterprise product when enabled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.types import ASGIApp

from chatbot.router import router as chatbot_router
from chatbot.runtime import ChatbotRuntime
from shared.health import health_report
from shared.http_errors import install_error_handlers
from shared.observability import RequestMetrics, configure_logging
from shared.settings import Settings, get_settings


def _create_chatbot_app(runtime: ChatbotRuntime) -> FastAPI:
    chat = FastAPI(title="Marketing chatbot", version="1.0.0")
    chat.state.chatbot = runtime
    install_error_handlers(chat)
    chat.add_middleware(RequestMetrics, product="chatbot")
    chat.include_router(chatbot_router)
    return chat


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.debug)
    chatbot_runtime = ChatbotRuntime.from_settings(settings)
    engines = {"chatbot": chatbot_runtime.engine}
    mounted: list[tuple[str, ASGIApp]] = [("/api/chat", _create_chatbot_app(chatbot_runtime))]
    enterprise_api: FastAPI | None = None
    if settings.enterprise_enabled:
        from enterprise.app import create_enterprise_app  # the one place the chatbot names enterprise

        enterprise_api = create_enterprise_app(settings)
        engines.update(enterprise_api.state.health_engines)
        mounted += [("/api/enterprise", enterprise_api), ("/dashboard", enterprise_api.state.dashboard)]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if enterprise_api is not None:
                # Mounted apps get no lifespan events of their own: enter the enterprise one here, once.
                await stack.enter_async_context(enterprise_api.router.lifespan_context(enterprise_api))
            yield
        chatbot_runtime.engine.dispose()

    root = FastAPI(title="AI chatbot", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    install_error_handlers(root)
    root.state.settings = settings

    @root.get("/health", include_in_schema=False)
    @root.get("/health/ready", include_in_schema=False)
    def health() -> JSONResponse:
        """Readiness: every database, Chroma and Redis answer (503 when one does not)."""
        status, body = health_report(settings, engines)
        return JSONResponse(body, status_code=status)

    @root.get("/health/live", include_in_schema=False)
    def live() -> JSONResponse:
        """Liveness: the process serves requests. A Redis or database blip is readiness's
        concern, not a reason to restart the container."""
        return JSONResponse({"status": "ok"})

    @root.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    for path, app in mounted:
        root.mount(path, app)
    return root


def __getattr__(name: str) -> FastAPI:
    # `uvicorn chatbot.main:app` builds the app on first access, not at import.
    if name == "app":
        return create_app()
    raise AttributeError(name)
