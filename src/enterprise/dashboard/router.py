"""The executives' dashboard: page shells rendered in the user's language; each page's script
reads the enterprise API with the user's token, so the dashboard can do nothing the API forbids."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from enterprise.dashboard.i18n import LANGUAGE_COOKIE, Language, catalogue, choose_language
from enterprise.runtime import EnterpriseRuntime
from shared.http_errors import install_error_handlers
from shared.security_headers import PAGE_POLICY, SecurityHeaders

HERE = Path(__file__).parent
API_PREFIX = "/api/enterprise"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
templates = Jinja2Templates(directory=HERE / "templates")


def _root(request: Request) -> str:
    """Where the dashboard is mounted ("/dashboard"), so its links hold wherever that is."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def _page(request: Request, template: str, page: str, **context: object) -> HTMLResponse:
    language = choose_language(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
    messages = catalogue(language)
    root = _root(request)
    return templates.TemplateResponse(
        request,
        template,
        {
            "_": messages.gettext,
            "messages": messages.messages,
            "language": language,
            "languages": list(Language),
            "locale_tag": language.locale_tag,
            "root": root,
            "page": page,
            "here": request.url.path,
            "api_prefix": API_PREFIX,
            **context,
        },
        headers={"Content-Language": language.value, "Vary": "Accept-Language, Cookie"},
    )


# The pages that need nothing but their shell: path → page (its template and its script).
PAGES = {
    "/": "overview",
    "/ask": "ask",
    "/documents": "documents",
    "/analytics": "analytics",
    "/reports": "reports",
    "/admin": "admin",
    "/invite": "invite",
}


def _page_route(page: str) -> Callable[[Request], HTMLResponse]:
    def show(request: Request) -> HTMLResponse:
        return _page(request, f"{page}.html", page)

    return show


def _local_path(target: str, root: str) -> str:
    """Where to go back to after switching language: a dashboard path, never another site."""
    if target.startswith(root + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return root + "/"


def create_dashboard_app(runtime: EnterpriseRuntime) -> FastAPI:
    dashboard = FastAPI(title="Enterprise AI Brain dashboard", docs_url=None, redoc_url=None, openapi_url=None)
    dashboard.state.runtime = runtime
    install_error_handlers(dashboard)
    dashboard.add_middleware(
        SecurityHeaders, policy=PAGE_POLICY, strict_transport=runtime.settings.environment == "production"
    )
    dashboard.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    for path, page in PAGES.items():
        dashboard.add_api_route(path, _page_route(page), response_class=HTMLResponse, include_in_schema=False)

    @dashboard.get("/documents/{document_id}/statements", response_class=HTMLResponse, include_in_schema=False)
    def statements(request: Request, document_id: uuid.UUID) -> HTMLResponse:
        return _page(request, "statements.html", "statements", document_id=str(document_id))

    @dashboard.get("/language/{language}", include_in_schema=False)
    def switch_language(
        request: Request, language: Language, next: Annotated[str, Query(max_length=500)] = "/"
    ) -> RedirectResponse:
        root = _root(request)
        response = RedirectResponse(_local_path(next, root), status_code=303)
        response.set_cookie(
            LANGUAGE_COOKIE,
            language.value,
            max_age=LANGUAGE_COOKIE_SECONDS,
            path=root or "/",
            samesite="lax",
            httponly=True,
            secure=runtime.settings.environment == "production",
        )
        return response

    return dashboard
