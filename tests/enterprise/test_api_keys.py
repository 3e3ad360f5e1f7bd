"""API keys for machine clients: made by an admin with a role, shown once, usable wherever a bearer
token is (uploads and questions), their last use recorded, refused once revoked or expired."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from enterprise.auth.models import ApiKey
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")


def _new_key(api: EnterpriseApi, admin: str, **body: Any) -> dict[str, Any]:
    response = api.client.post(api.url("/api-keys"), json={"name": "ERP nightly upload", **body}, headers=bearer(admin))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.fixture(scope="module")
def admin(enterprise_api: EnterpriseApi) -> str:
    account = make_enterprise(enterprise_api.settings, "keys")
    return enterprise_token(enterprise_api.client, enterprise_api.prefix, account.admin_email)


def test_a_key_uploads_and_asks_as_the_role_it_was_given(enterprise_api: EnterpriseApi, admin: str) -> None:
    api = enterprise_api
    created = _new_key(api, admin, role="analyst")
    key = created["key"]
    assert key.startswith("eab_")
    assert key.startswith(created["prefix"])
    assert created["role"] == "analyst"

    uploaded = api.client.post(
        api.url("/documents"),
        files={"file": ("price-list.txt", b"Premium plan price: 49 euros per month. Basic plan: 19 euros.")},
        headers=bearer(key),
    )
    assert uploaded.status_code == 202, uploaded.text
    assert wait_for_document(api, key, uploaded.json()["id"])["status"] == "ready"
    answer = api.client.post(
        api.url("/query"), json={"question": "What is the premium plan price?"}, headers=bearer(key)
    )
    assert answer.status_code == 200
    assert answer.json()["found"] is True
    assert "49" in answer.json()["answer"]
    # An analyst's key is no admin's.
    assert api.client.get(api.url("/users"), headers=bearer(key)).status_code == 403
    assert api.client.post(api.url("/api-keys"), json={"name": "escalate"}, headers=bearer(key)).status_code == 403

    listed = api.client.get(api.url("/api-keys"), headers=bearer(admin)).json()
    mine = next(k for k in listed if k["id"] == created["id"])
    assert mine["last_used_at"] is not None
    assert "key" not in mine  # shown once, at creation
    assert key not in str(listed)
    # The key is not a person: not among the users, and it cannot sign in with a password.
    assert all(
        not u["email"].endswith("api-keys.invalid")
        for u in api.client.get(api.url("/users"), headers=bearer(admin)).json()
    )


def test_a_revoked_key_is_refused(enterprise_api: EnterpriseApi, admin: str) -> None:
    api = enterprise_api
    created = _new_key(api, admin, role="viewer")
    assert api.client.get(api.url("/documents"), headers=bearer(created["key"])).status_code == 200
    assert api.client.delete(api.url(f"/api-keys/{created['id']}"), headers=bearer(admin)).status_code == 204
    refused = api.client.get(api.url("/documents"), headers=bearer(created["key"]))
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    audit = api.client.get(api.url("/audit"), params={"action": "api_key.revoked"}, headers=bearer(admin)).json()
    assert any(event["target_id"] == created["id"] for event in audit["items"])


def test_an_expired_key_is_refused(enterprise_api: EnterpriseApi, admin: str) -> None:
    api = enterprise_api
    soon = datetime.now(UTC) + timedelta(days=1)
    created = _new_key(api, admin, role="viewer", expires_at=soon.isoformat())
    assert api.client.get(api.url("/me"), headers=bearer(created["key"])).status_code == 200
    runtime = EnterpriseRuntime.from_settings(api.settings, owner=True)
    with session_scope(runtime.session_factory) as session:  # a day goes by
        session.execute(
            update(ApiKey)
            .where(ApiKey.id == uuid.UUID(created["id"]))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    runtime.engine.dispose()
    refused = api.client.get(api.url("/me"), headers=bearer(created["key"]))
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]


def test_bad_keys_and_bad_requests_are_refused(enterprise_api: EnterpriseApi, admin: str) -> None:
    api = enterprise_api
    assert api.client.get(api.url("/me"), headers=bearer("eab_" + "x" * 43)).status_code == 401
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    for body in (
        {"name": ""},
        {"name": "k", "role": "owner"},
        {"name": "k", "expires_at": past},
        {"name": "k", "extra": 1},
    ):
        response = api.client.post(api.url("/api-keys"), json=body, headers=bearer(admin))
        assert response.status_code == 422, (body, response.text)


def test_another_enterprise_cannot_see_or_revoke_a_key(enterprise_api: EnterpriseApi, admin: str) -> None:
    api = enterprise_api
    created = _new_key(api, admin)
    other = make_enterprise(api.settings, "key-thief")
    thief = enterprise_token(api.client, api.prefix, other.admin_email)
    assert api.client.delete(api.url(f"/api-keys/{created['id']}"), headers=bearer(thief)).status_code == 404
    assert api.client.get(api.url("/api-keys"), headers=bearer(thief)).json() == []
    assert api.client.get(api.url("/me"), headers=bearer(created["key"])).status_code == 200
