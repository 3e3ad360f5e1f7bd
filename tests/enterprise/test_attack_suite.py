"""Another enterprise attacks, endpoint by endpoint, read from the API's own schema (so a new
endpoint without a case here fails the suite): its ids give 404, its lists never show a row
of the victim, and each role reaches exactly the endpoints the role matrix gives it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from enterprise.auth.models import Role, User
from enterprise.connectors.models import ConnectorKind
from enterprise.connectors.service import NewConnector, create_connector
from enterprise.ingestion.pipeline import enrich_document, index_document
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import add_user, bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")

# The least role each endpoint admits (sign-in endpoints admit anyone).
ROLE_MATRIX: dict[tuple[str, str], Role | None] = {
    ("post", "/auth/token"): None,
    ("post", "/auth/accept-invite"): None,
    ("get", "/me"): Role.VIEWER,
    ("get", "/users"): Role.ADMIN,
    ("post", "/users"): Role.ADMIN,
    ("get", "/users/{user_id}"): Role.ADMIN,
    ("patch", "/users/{user_id}"): Role.ADMIN,
    ("get", "/documents"): Role.VIEWER,
    ("post", "/documents"): Role.ANALYST,
    ("get", "/documents/{document_id}"): Role.VIEWER,
    ("patch", "/documents/{document_id}"): Role.ANALYST,
    ("delete", "/documents/{document_id}"): Role.ANALYST,
    ("get", "/documents/{document_id}/file"): Role.VIEWER,
    ("post", "/documents/{document_id}/reindex"): Role.ANALYST,
    ("get", "/documents/{document_id}/tables"): Role.VIEWER,
    ("get", "/documents/{document_id}/statements"): Role.VIEWER,
    ("get", "/documents/{document_id}/pages/{page}"): Role.VIEWER,
    ("get", "/search"): Role.VIEWER,
    ("post", "/query"): Role.VIEWER,
    ("get", "/queries"): Role.ADMIN,
    ("get", "/queries/{query_id}"): Role.VIEWER,
    ("get", "/me/queries"): Role.VIEWER,
    ("post", "/queries/{query_id}/feedback"): Role.VIEWER,
    ("get", "/usage"): Role.ADMIN,
    ("get", "/facts"): Role.VIEWER,
    ("get", "/metrics"): Role.VIEWER,
    ("get", "/companies"): Role.VIEWER,
    ("get", "/audit"): Role.ADMIN,
    ("get", "/analytics/usage"): Role.EXECUTIVE,
    ("get", "/analytics/content"): Role.EXECUTIVE,
    ("get", "/analytics/kpis"): Role.EXECUTIVE,
    ("get", "/reports"): Role.EXECUTIVE,
    ("post", "/reports"): Role.EXECUTIVE,
    ("get", "/reports/schedule"): Role.EXECUTIVE,
    ("put", "/reports/schedule"): Role.ADMIN,
    ("get", "/reports/{report_id}"): Role.EXECUTIVE,
    ("get", "/reports/{report_id}/html"): Role.EXECUTIVE,
    ("get", "/reports/{report_id}/pdf"): Role.EXECUTIVE,
    ("get", "/api-keys"): Role.ADMIN,
    ("post", "/api-keys"): Role.ADMIN,
    ("delete", "/api-keys/{key_id}"): Role.ADMIN,
    ("get", "/connectors"): Role.ADMIN,
    ("post", "/connectors"): Role.ADMIN,
    ("get", "/connectors/{connector_id}"): Role.ADMIN,
    ("patch", "/connectors/{connector_id}"): Role.ADMIN,
    ("delete", "/connectors/{connector_id}"): Role.ADMIN,
    ("post", "/connectors/{connector_id}/authorize"): Role.ADMIN,
    ("post", "/connectors/{connector_id}/sync"): Role.ADMIN,
    ("get", "/connectors/{connector_id}/runs"): Role.ADMIN,
    ("get", "/connectors/{connector_id}/items"): Role.ADMIN,
    ("get", "/webhooks"): Role.ADMIN,
    ("post", "/webhooks"): Role.ADMIN,
    ("patch", "/webhooks/{webhook_id}"): Role.ADMIN,
    ("delete", "/webhooks/{webhook_id}"): Role.ADMIN,
    ("post", "/webhooks/{webhook_id}/ping"): Role.ADMIN,
    ("get", "/webhooks/{webhook_id}/deliveries"): Role.ADMIN,
}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("patch", "/users/{user_id}"): {"full_name": "Mallory"},
    ("patch", "/documents/{document_id}"): {"tags": ["pwned"]},
    ("post", "/queries/{query_id}/feedback"): {"rating": "down", "comment": "pwned"},
    ("post", "/query"): {"question": "What is in the memo?"},
    ("post", "/users"): {"email": "new-member@matrix.example", "role": "viewer", "password": "a-long-password-1"},
    ("post", "/reports"): {"days": 7},
    ("put", "/reports/schedule"): {"recipients": ["pwned@matrix.example"]},
    ("post", "/api-keys"): {"name": "pwned", "role": "admin"},
    ("post", "/connectors"): {"kind": "google_drive", "name": "pwned"},
    ("patch", "/connectors/{connector_id}"): {"name": "pwned", "scope": ["pwned-folder"]},
    ("post", "/webhooks"): {"url": "http://127.0.0.1:9/pwned", "events": ["document.ready"]},
    ("patch", "/webhooks/{webhook_id}"): {"url": "http://127.0.0.1:9/pwned"},
}
SECRET = "Zanzibar-7731 quarterly memo"


@dataclass
class Victim:
    admin_token: str
    admin_email: str
    ids: dict[str, str]


def _ingested(api: EnterpriseApi, token: str, document_id: str) -> dict[str, Any]:
    if api.settings.database_url is None:
        # Embedded SQLite: the test's job workers serve the PostgreSQL database, so the real
        # pipeline runs here, in-line, on this app's own database and vector store.
        runtime = EnterpriseRuntime.from_settings(api.settings, owner=True)
        try:
            if index_document(runtime, uuid.UUID(document_id)):
                enrich_document(runtime, uuid.UUID(document_id))
        finally:
            runtime.engine.dispose()
    return wait_for_document(api, token, document_id)


def _victims_connector(api: EnterpriseApi, enterprise_id: uuid.UUID) -> uuid.UUID:
    """A connector waiting for consent (made in the service: this app has no public address)."""
    settings = api.settings.model_copy(update={"public_base_url": "https://brain.victim.example"})
    runtime = EnterpriseRuntime.from_settings(settings, owner=True)
    try:
        with session_scope(runtime.session_factory) as session:
            admin = session.scalars(select(User).where(User.enterprise_id == enterprise_id)).first()
            assert admin is not None
            new = NewConnector(ConnectorKind.GOOGLE_DRIVE, "victim's drive", ["victim-folder"], None)
            connector, _ = create_connector(session, enterprise_id, admin.id, new, settings)
            return connector.id
    finally:
        runtime.engine.dispose()


@pytest.fixture(scope="module")
def victim(enterprise_api: EnterpriseApi) -> Victim:
    api = enterprise_api
    account = make_enterprise(api.settings, "victim")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    uploaded = api.client.post(
        api.url("/documents"), files={"file": ("zanzibar-memo.txt", SECRET.encode())}, headers=bearer(token)
    )
    document = _ingested(api, token, uploaded.json()["id"])
    asked = api.client.post(api.url("/query"), json={"question": "What is the quarterly memo?"}, headers=bearer(token))
    me = api.client.get(api.url("/me"), headers=bearer(token)).json()
    report = api.client.post(api.url("/reports"), json={"days": 7}, headers=bearer(token))
    assert report.status_code == 202, report.text
    key = api.client.post(api.url("/api-keys"), json={"name": "victim's ERP"}, headers=bearer(token))
    assert key.status_code == 201, key.text
    hook = api.client.post(
        api.url("/webhooks"),
        json={"url": "http://127.0.0.1:9/victim", "events": ["document.ready"]},
        headers=bearer(token),
    )
    assert hook.status_code == 201, hook.text
    ids = {
        "document_id": document["id"],
        "query_id": asked.json()["query_id"],
        "user_id": me["id"],
        "page": "1",
        "report_id": report.json()["id"],
        "key_id": key.json()["id"],
        "connector_id": str(_victims_connector(api, account.enterprise_id)),
        "webhook_id": hook.json()["id"],
    }
    return Victim(token, account.admin_email, ids)


@pytest.fixture(scope="module")
def attacker(enterprise_api: EnterpriseApi) -> str:
    account = make_enterprise(enterprise_api.settings, "attacker")
    return enterprise_token(enterprise_api.client, enterprise_api.prefix, account.admin_email)


def _operations(api: EnterpriseApi) -> Iterator[tuple[str, str]]:
    for path, item in api.client.get(api.url("/openapi.json")).json()["paths"].items():
        for method in item:
            yield method, path


def test_every_endpoint_is_in_the_role_matrix(enterprise_api: EnterpriseApi) -> None:
    assert set(_operations(enterprise_api)) == set(ROLE_MATRIX)


def test_another_enterprises_ids_are_404_on_every_endpoint(
    enterprise_api: EnterpriseApi, victim: Victim, attacker: str
) -> None:
    checked = 0
    for method, path in _operations(enterprise_api):
        if "{" not in path:
            continue
        url = path
        for name, value in victim.ids.items():
            url = url.replace("{" + name + "}", value)
        assert "{" not in url, f"no victim id for {path}"
        response = enterprise_api.client.request(
            method, enterprise_api.url(url), json=BODIES.get((method, path)), headers=bearer(attacker)
        )
        assert response.status_code == 404, (method, path, response.status_code, response.text[:200])
        checked += 1
    assert checked >= 10
    # The victim's objects are untouched.
    document = enterprise_api.client.get(
        enterprise_api.url(f"/documents/{victim.ids['document_id']}"), headers=bearer(victim.admin_token)
    ).json()
    assert document["tags"] == []
    query = enterprise_api.client.get(
        enterprise_api.url(f"/queries/{victim.ids['query_id']}"), headers=bearer(victim.admin_token)
    ).json()
    assert query["feedback"] is None


def test_no_list_or_search_shows_another_enterprises_rows(
    enterprise_api: EnterpriseApi, victim: Victim, attacker: str
) -> None:
    params = {"/search": {"q": "Zanzibar"}, "/facts": {}, "/metrics": {}}
    for method, path in _operations(enterprise_api):
        if method != "get" or "{" in path:
            continue
        response = enterprise_api.client.get(
            enterprise_api.url(path), params=params.get(path, {}), headers=bearer(attacker)
        )
        assert response.status_code == 200, (path, response.text[:200])
        text = response.text
        for secret in (*(v for k, v in victim.ids.items() if k != "page"), victim.admin_email, "zanzibar", "Zanzibar"):
            assert secret not in text, (path, secret)
    answer = enterprise_api.client.post(
        enterprise_api.url("/query"),
        json={"question": "What does the Zanzibar quarterly memo say?", "document_ids": [victim.ids["document_id"]]},
        headers=bearer(attacker),
    ).json()
    assert (answer["found"], answer["citations"]) == (False, [])


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST, Role.EXECUTIVE])
def test_each_role_reaches_exactly_its_endpoints(enterprise_api: EnterpriseApi, victim: Victim, role: Role) -> None:
    api = enterprise_api
    _, token = add_user(api.client, api.prefix, victim.admin_token, role, "victim")
    for (method, path), minimum in ROLE_MATRIX.items():
        if minimum is None or role.at_least(minimum):
            continue
        url = path
        for name, value in victim.ids.items():
            url = url.replace("{" + name + "}", value)
        response = api.client.request(method, api.url(url), json=BODIES.get((method, path)), headers=bearer(token))
        assert response.status_code == 403, (role, method, path, response.status_code)
        assert response.json()["error"] == "forbidden"
    for method, path in (("get", "/documents"), ("post", "/query"), ("get", "/facts"), ("get", "/me")):
        response = api.client.request(method, api.url(path), json=BODIES.get((method, path)), headers=bearer(token))
        assert response.status_code == 200, (role, method, path)
