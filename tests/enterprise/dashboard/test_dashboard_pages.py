"""The dashboard's pages over HTTP: rendered in the negotiated language, the choice remembered
in a cookie, no way to bounce a user elsewhere, the page policy on every page, every asset local."""

from __future__ import annotations

import json
import re

import pytest

from tests.enterprise.conftest import EnterpriseApi

PAGES = ["/dashboard/", "/dashboard/ask", "/dashboard/documents", "/dashboard/admin", "/dashboard/invite"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_served_with_its_messages_and_the_page_policy(enterprise_api: EnterpriseApi, path: str) -> None:
    response = enterprise_api.client.get(path, headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["content-language"] == "es"
    html = response.text
    assert '<html lang="es">' in html
    messages = json.loads(
        re.search(r'<script type="application/json" id="messages">(.*?)</script>', html, re.S).group(1)
    )  # type: ignore[union-attr]
    assert messages["nav.documents"] == "Documentos"
    # Nothing is loaded from another origin, and nothing runs inline.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", html)
    assert not re.search(r"\sstyle=|\son[a-z]+=", html)


def test_every_asset_a_page_names_is_served_by_the_app(enterprise_api: EnterpriseApi) -> None:
    html = enterprise_api.client.get("/dashboard/").text
    assets = re.findall(r'(?:src|href)="(/dashboard/static/[^"]+)"', html)
    assert {
        "/dashboard/static/dashboard.css",
        "/dashboard/static/js/main.js",
        "/dashboard/static/vendor/chart.umd.min.js",
    } <= set(assets)
    for asset in assets:
        response = enterprise_api.client.get(asset)
        assert response.status_code == 200, asset
    chart = enterprise_api.client.get("/dashboard/static/vendor/chart.umd.min.js")
    assert "javascript" in chart.headers["content-type"]
    assert len(chart.content) > 100_000
    for module in ("core", "overview", "ask", "documents", "statements", "admin", "viewer", "charts", "invite"):
        assert enterprise_api.client.get(f"/dashboard/static/js/{module}.js").status_code == 200


def test_choosing_a_language_is_remembered_and_returns_to_the_same_page(enterprise_api: EnterpriseApi) -> None:
    client = enterprise_api.client
    switched = client.get("/dashboard/language/es", params={"next": "/dashboard/documents"}, follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/dashboard/documents"
    cookie = switched.headers["set-cookie"]
    assert cookie.startswith("eab_lang=es;")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    client.cookies.set("eab_lang", "es")
    page = client.get("/dashboard/documents", headers={"Accept-Language": "en-US"})
    assert '<html lang="es">' in page.text
    assert "<h1>Documentos</h1>" in page.text
    client.cookies.clear()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/api/enterprise/me", "/dashboard\\@evil"]
)
def test_switching_language_never_sends_the_user_to_another_site(enterprise_api: EnterpriseApi, target: str) -> None:
    response = enterprise_api.client.get("/dashboard/language/en", params={"next": target}, follow_redirects=False)
    assert response.headers["location"] == "/dashboard/"
    enterprise_api.client.cookies.clear()


def test_an_unknown_language_is_a_clear_422(enterprise_api: EnterpriseApi) -> None:
    response = enterprise_api.client.get("/dashboard/language/fr", follow_redirects=False)
    assert response.status_code == 422
    assert "'en' or 'es'" in response.text
