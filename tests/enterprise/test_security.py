"""Headers, closed CORS, input the database cannot hold, sign-in throttling and the audit log."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from chatbot.main import create_app
from enterprise.auth.models import Role
from tests.enterprise.conftest import EnterpriseApi
from tests.factories import DEFAULT_PASSWORD, add_user, bearer, enterprise_token, make_enterprise


def test_dashboard_sends_a_strict_content_security_policy(enterprise_api: EnterpriseApi) -> None:
    page = enterprise_api.client.get("/dashboard/")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    # Page images are fetched with the user's token and shown from blob: URLs; nothing else is allowed.
    assert "img-src 'self' data: blob:;" in policy
    # The policy holds because the page has no inline script or style to allow (its messages are
    # JSON data, which the browser never runs).
    scripts = re.findall(r"<script[^>]*>", page.text)
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
    assert "<style" not in page.text
    assert " style=" not in page.text
    assert "content-security-policy" in enterprise_api.client.get("/dashboard/static/js/main.js").headers


def test_api_responses_carry_the_security_headers(enterprise_api: EnterpriseApi) -> None:
    response = enterprise_api.client.get(enterprise_api.url("/me"))
    assert response.status_code == 401
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["x-frame-options"] == "DENY"


def test_cors_is_closed_by_default_and_opens_only_to_configured_origins(enterprise_api: EnterpriseApi) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    response = enterprise_api.client.options(enterprise_api.url("/query"), headers=preflight)
    assert "access-control-allow-origin" not in response.headers
    settings = enterprise_api.settings.model_copy(update={"cors_origins": "https://brain.coca-cola.example"})
    with TestClient(create_app(settings)) as client:
        allowed = client.options(
            "/api/enterprise/query",
            headers={"Origin": "https://brain.coca-cola.example", "Access-Control-Request-Method": "POST"},
        )
        assert allowed.headers["access-control-allow-origin"] == "https://brain.coca-cola.example"
        refused = client.options("/api/enterprise/query", headers=preflight)
        assert "access-control-allow-origin" not in refused.headers


def test_nul_characters_and_out_of_range_offsets_are_4xx(enterprise_api: EnterpriseApi) -> None:
    account = make_enterprise(enterprise_api.settings, "guards")
    token = enterprise_token(enterprise_api.client, enterprise_api.prefix, account.admin_email)
    body = enterprise_api.client.post(
        enterprise_api.url("/query"), json={"question": "a\u0000b"}, headers=bearer(token)
    )
    assert body.status_code == 422
    assert body.json()["fields"][0]["field"] == "body"
    query = enterprise_api.client.get(enterprise_api.url("/documents"), params={"q": "a\x00"}, headers=bearer(token))
    assert query.status_code == 422
    offset = enterprise_api.client.get(
        enterprise_api.url("/queries"), params={"after": "2000-01-01T00:00:00+16:00"}, headers=bearer(token)
    )
    assert offset.status_code == 200
    assert offset.json()["total"] == 0
    ancient = enterprise_api.client.get(
        enterprise_api.url("/documents"), params={"uploaded_after": "0001-01-01T00:00:00+05:00"}, headers=bearer(token)
    )
    assert ancient.status_code == 422


@pytest.mark.parametrize("path", ["/documents", "/facts", "/queries", "/me/queries", "/audit"])
def test_a_list_offset_past_what_a_database_takes_is_a_422(enterprise_api: EnterpriseApi, path: str) -> None:
    account = make_enterprise(enterprise_api.settings, "offsets")
    token = enterprise_token(enterprise_api.client, enterprise_api.prefix, account.admin_email)
    response = enterprise_api.client.get(
        enterprise_api.url(path), params={"offset": 2**63}, headers=bearer(token)
    )  # found by the fuzz run on GET /me/queries: PostgreSQL's OFFSET is a signed 64-bit integer
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "query.offset"
    assert (
        enterprise_api.client.get(
            enterprise_api.url(path), params={"offset": 1_000_000_000}, headers=bearer(token)
        ).json()["items"]
        == []
    )


@pytest.fixture
def strict_sign_in(enterprise_api: EnterpriseApi) -> Iterator[EnterpriseApi]:
    settings = enterprise_api.settings.model_copy(
        update={"login_max_failures_per_account": 3, "login_max_failures_per_address": 7}
    )
    # A client address of its own, so no other test's failed sign-ins count against it.
    address = f"203.0.113.{next(_addresses)}"
    with TestClient(create_app(settings), client=(address, 50000)) as client:
        yield EnterpriseApi(client, "/api/enterprise", settings, "mounted")


_addresses = itertools.count(1)


def _sign_in(api: EnterpriseApi, email: str, password: str) -> Any:
    return api.client.post(api.url("/auth/token"), data={"username": email, "password": password})


def test_repeated_failed_sign_ins_are_slowed_per_account_and_audited(strict_sign_in: EnterpriseApi) -> None:
    api = strict_sign_in
    account = make_enterprise(api.settings, "brute")
    admin_token = enterprise_token(api.client, api.prefix, account.admin_email)  # signed in before the attack
    for _ in range(3):
        assert _sign_in(api, account.admin_email, "wrong-password-1").status_code == 401
    blocked = _sign_in(api, account.admin_email.upper(), DEFAULT_PASSWORD)
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "too_many_attempts"
    assert 0 < int(blocked.headers["retry-after"]) <= 15 * 60
    log = api.client.get(api.url("/audit"), headers=bearer(admin_token)).json()["items"]
    actions = [e["action"] for e in log]
    assert actions.count("login.failed") == 3
    assert actions.count("login.throttled") == 1
    assert len({e["ip"] for e in log}) == 1
    # Another account from the same address is not locked by this one, and sees none of it.
    other = make_enterprise(api.settings, "bystander")
    assert _sign_in(api, other.admin_email, DEFAULT_PASSWORD).status_code == 200
    other_token = enterprise_token(api.client, api.prefix, other.admin_email)
    other_log = api.client.get(api.url("/audit"), headers=bearer(other_token)).json()["items"]
    assert {e["action"] for e in other_log} == {"login.succeeded"}
    assert {e["actor_email"] for e in other_log} == {other.admin_email}


def test_failed_sign_ins_from_one_address_are_slowed(strict_sign_in: EnterpriseApi) -> None:
    api = strict_sign_in
    account = make_enterprise(api.settings, "spray")
    for index in range(7):
        assert _sign_in(api, f"nobody-{index}@spray.example", "guess-password").status_code == 401
    assert _sign_in(api, account.admin_email, DEFAULT_PASSWORD).status_code == 429


def test_audit_log_records_security_actions_for_admins_only(enterprise_api: EnterpriseApi) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "audited")
    admin = enterprise_token(api.client, api.prefix, account.admin_email)
    assert _sign_in(api, account.admin_email, "not-the-password").status_code == 401
    email, analyst = add_user(api.client, api.prefix, admin, Role.ANALYST, account.slug)
    analyst_id = next(
        u["id"] for u in api.client.get(api.url("/users"), headers=bearer(admin)).json() if u["email"] == email
    )
    uploaded = api.client.post(
        api.url("/documents"), files={"file": ("memo.txt", b"Quarterly memo: revenue grew.")}, headers=bearer(analyst)
    ).json()
    assert api.client.delete(api.url(f"/documents/{uploaded['id']}"), headers=bearer(analyst)).status_code == 204
    assert api.client.get(api.url("/facts"), params={"format": "csv"}, headers=bearer(analyst)).status_code == 200
    assert (
        api.client.patch(api.url(f"/users/{analyst_id}"), json={"role": "executive"}, headers=bearer(admin)).status_code
        == 200
    )
    assert (
        api.client.patch(api.url(f"/users/{analyst_id}"), json={"is_active": False}, headers=bearer(admin)).status_code
        == 200
    )

    log = api.client.get(api.url("/audit"), params={"limit": 100}, headers=bearer(admin)).json()["items"]
    actions = [e["action"] for e in log]
    for action in (
        "login.failed",
        "login.succeeded",
        "user.created",
        "document.uploaded",
        "document.deleted",
        "data.exported",
        "user.role_changed",
        "user.disabled",
    ):
        assert action in actions, (action, actions)
    change = next(e for e in log if e["action"] == "user.role_changed")
    assert change["detail"] == {"old": "analyst", "new": "executive"}
    assert change["actor_email"] == account.admin_email
    assert change["ip"]
    deleted = next(e for e in log if e["action"] == "document.deleted")
    assert (deleted["target_id"], deleted["detail"]["filename"]) == (uploaded["id"], "memo.txt")
    only_failures = api.client.get(api.url("/audit"), params={"action": "login.failed"}, headers=bearer(admin)).json()
    assert {e["action"] for e in only_failures["items"]} == {"login.failed"}

    _, viewer = add_user(api.client, api.prefix, admin, Role.VIEWER, account.slug)
    assert api.client.get(api.url("/audit"), headers=bearer(viewer)).status_code == 403
    rival = make_enterprise(api.settings, "audit-rival")
    rival_admin = enterprise_token(api.client, api.prefix, rival.admin_email)
    rival_log = api.client.get(api.url("/audit"), headers=bearer(rival_admin)).json()
    assert all(e["actor_email"] in {rival.admin_email, None} for e in rival_log["items"])
