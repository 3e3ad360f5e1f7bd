"""The executives' dashboard: server-rendered pages that read the enterprise API."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from enterprise.runtime import EnterpriseRuntime
from shared.http_errors import install_error_handlers
from shared.security_headers import PAGE_POLICY, SecurityHeaders

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def create_dashboard_app(runtime: EnterpriseRuntime) -> FastAPI:
    dashboard = FastAPI(title="Enterprise AI Brain dashboard", docs_url=None, redoc_url=None, openapi_url=None)
    dashboard.state.runtime = runtime
    install_error_handlers(dashboard)
    dashboard.add_middleware(
        SecurityHeaders, policy=PAGE_POLICY, strict_transport=runtime.settings.environment == "production"
    )
    dashboard.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @dashboard.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, "home.html", {"api_prefix": "/api/enterprise"})

    return dashboard
