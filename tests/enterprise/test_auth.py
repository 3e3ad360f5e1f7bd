"""Sign-in, tokens, roles and user management of the enterprise API, mounted and standalone."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta

import jwt
import pytest

from enterprise.auth import repository as auth_repository
from enterprise.auth.models import Role
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from shared.security import TokenCodec, password_hasher
from shared.settings import Settings
from tests.enterprise.conftest import EnterpriseApi
from tests.factories import DEFAULT_PASSWORD, add_user, bearer, enterprise_token, make_enterprise


@pytest.fixture
def account(enterprise_api: EnterpriseApi):
    return make_enterprise(enterprise_api.settings)


@pytest.fixture
def admin_token(enterprise_api: EnterpriseApi, account) -> str:
    return enterprise_token(enterprise_api.client, enterprise_api.prefix, account.admin_email)


def test_admin_signs_in_and_sees_own_enterprise(enterprise_api: EnterpriseApi, account, admin_token: str) -> None:
    me = enterprise_api.client.get(enterprise_api.url("/me"), headers=bearer(admin_token))
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == account.admin_email
    assert body["role"] == "admin"
    assert body["enterprise"]["slug"] == account.slug
    assert body["last_login_at"] is not None


@pytest.mark.parametrize(
    ("username", "password"),
    [("admin", "wrong-password-123"), ("nobody@nowhere.example", DEFAULT_PASSWORD)],
    ids=["wrong-password", "unknown-user"],
)
def test_bad_credentials_are_401_with_json_error(
    enterprise_api: EnterpriseApi, account, username: str, password: str
) -> None:
    email = account.admin_email if username == "admin" else username
    response = enterprise_api.client.post(
        enterprise_api.url("/auth/token"), data={"username": email, "password": password}
    )
    assert response.status_code == 401
    assert response.json() == {"error": "not_authenticated", "detail": "incorrect email or password"}
    assert response.headers["www-authenticate"] == "Bearer"


def test_missing_login_fields_are_422_naming_the_field(enterprise_api: EnterpriseApi) -> None:
    response = enterprise_api.client.post(enterprise_api.url("/auth/token"), data={"username": "a@b.example"})
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == ["body.password"]


def _forge(claims: dict[str, object], key: str, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def _claims_of(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


def test_forged_and_stale_tokens_are_refused(enterprise_api: EnterpriseApi, admin_token: str) -> None:
    settings = enterprise_api.settings
    claims = _claims_of(admin_token)
    header, payload, signature = admin_token.split(".")
    tampered_payload = (
        base64.urlsafe_b64encode(json.dumps({**claims, "role": "admin", "tv": 0, "ent": str(uuid.uuid4())}).encode())
        .rstrip(b"=")
        .decode()
    )
    unsigned_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    codec = TokenCodec.for_audience(settings, "enterprise")
    forged = {
        "alg none": f"{unsigned_header}.{payload}.",
        "wrong key": _forge(claims, "not-the-server-secret-at-all-0123456789"),
        "tampered payload": f"{header}.{tampered_payload}.{signature}",
        "expired": codec.encode(
            str(claims["sub"]), timedelta(seconds=-5), {k: claims[k] for k in ("ent", "role", "tv", "pur")}
        ),
        "chatbot audience": TokenCodec.for_audience(settings, "chatbot").encode(
            str(claims["sub"]), timedelta(minutes=5), {k: claims[k] for k in ("ent", "role", "tv", "pur")}
        ),
        "garbage": "not-a-jwt",
    }
    for name, token in forged.items():
        response = enterprise_api.client.get(enterprise_api.url("/me"), headers=bearer(token))
        assert response.status_code == 401, name
        assert response.json()["error"] == "not_authenticated", name
    assert enterprise_api.client.get(enterprise_api.url("/me")).status_code == 401


def test_roles_below_admin_cannot_manage_users(enterprise_api: EnterpriseApi, account, admin_token: str) -> None:
    for role in (Role.VIEWER, Role.ANALYST, Role.EXECUTIVE):
        _, token = add_user(enterprise_api.client, enterprise_api.prefix, admin_token, role, account.slug)
        listing = enterprise_api.client.get(enterprise_api.url("/users"), headers=bearer(token))
        assert listing.status_code == 403, role
        assert role.value in listing.json()["detail"]
        create = enterprise_api.client.post(
            enterprise_api.url("/users"), json={"email": f"x-{role.value}@x.example"}, headers=bearer(token)
        )
        assert create.status_code == 403
        assert enterprise_api.client.get(enterprise_api.url("/me"), headers=bearer(token)).json()["role"] == role.value


def test_admin_changes_role_and_live_token_is_voided(enterprise_api: EnterpriseApi, account, admin_token: str) -> None:
    client = enterprise_api.client
    email, token = add_user(client, enterprise_api.prefix, admin_token, Role.VIEWER, account.slug)
    user_id = client.get(enterprise_api.url("/me"), headers=bearer(token)).json()["id"]
    changed = client.patch(
        enterprise_api.url(f"/users/{user_id}"), json={"role": "analyst"}, headers=bearer(admin_token)
    )
    assert changed.status_code == 200
    assert changed.json()["role"] == "analyst"
    assert client.get(enterprise_api.url("/me"), headers=bearer(token)).status_code == 401
    fresh = enterprise_token(client, enterprise_api.prefix, email)
    assert client.get(enterprise_api.url("/me"), headers=bearer(fresh)).json()["role"] == "analyst"


def test_disabled_user_cannot_sign_in_and_live_token_stops(
    enterprise_api: EnterpriseApi, account, admin_token: str
) -> None:
    client = enterprise_api.client
    email, token = add_user(client, enterprise_api.prefix, admin_token, Role.ANALYST, account.slug)
    user_id = client.get(enterprise_api.url("/me"), headers=bearer(token)).json()["id"]
    assert (
        client.patch(
            enterprise_api.url(f"/users/{user_id}"), json={"is_active": False}, headers=bearer(admin_token)
        ).status_code
        == 200
    )
    assert client.get(enterprise_api.url("/me"), headers=bearer(token)).status_code == 401
    login = client.post(enterprise_api.url("/auth/token"), data={"username": email, "password": DEFAULT_PASSWORD})
    assert login.status_code == 401
    assert login.json()["detail"] == "this account is disabled"


def test_invitation_sets_password_once(enterprise_api: EnterpriseApi, account, admin_token: str) -> None:
    client = enterprise_api.client
    email = f"invitee@{account.slug}.example"
    created = client.post(
        enterprise_api.url("/users"), json={"email": email, "role": "executive"}, headers=bearer(admin_token)
    )
    assert created.status_code == 201
    body = created.json()
    assert body["invitation_pending"] is True
    invite = body["invite_token"]
    assert (
        client.post(
            enterprise_api.url("/auth/token"), data={"username": email, "password": "anything-at-all"}
        ).status_code
        == 401
    )
    accepted = client.post(
        enterprise_api.url("/auth/accept-invite"), json={"token": invite, "password": "a-new-password-1"}
    )
    assert accepted.status_code == 200
    assert (
        client.get(enterprise_api.url("/me"), headers=bearer(accepted.json()["access_token"])).json()["role"]
        == "executive"
    )
    again = client.post(
        enterprise_api.url("/auth/accept-invite"), json={"token": invite, "password": "hijack-attempt-2"}
    )
    assert again.status_code == 401
    assert enterprise_token(client, enterprise_api.prefix, email, "a-new-password-1")
    # An invitation is not an access token.
    assert client.get(enterprise_api.url("/me"), headers=bearer(invite)).status_code == 401


def test_other_enterprises_users_are_invisible(enterprise_api: EnterpriseApi, account, admin_token: str) -> None:
    client = enterprise_api.client
    other = make_enterprise(enterprise_api.settings, "rival")
    other_token = enterprise_token(client, enterprise_api.prefix, other.admin_email)
    other_admin_id = client.get(enterprise_api.url("/me"), headers=bearer(other_token)).json()["id"]
    listed = client.get(enterprise_api.url("/users"), headers=bearer(admin_token)).json()
    assert other.admin_email not in {u["email"] for u in listed}
    assert account.admin_email in {u["email"] for u in listed}
    for method, kwargs in (("get", {}), ("patch", {"json": {"role": "viewer"}})):
        response = getattr(client, method)(
            enterprise_api.url(f"/users/{other_admin_id}"), headers=bearer(admin_token), **kwargs
        )
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
    # The rival's admin is untouched.
    assert client.get(enterprise_api.url("/me"), headers=bearer(other_token)).json()["role"] == "admin"
    unknown = client.get(enterprise_api.url(f"/users/{uuid.uuid4()}"), headers=bearer(admin_token))
    assert unknown.status_code == 404


def test_enterprise_keeps_an_admin(enterprise_api: EnterpriseApi, account, admin_token: str) -> None:
    client = enterprise_api.client
    my_id = client.get(enterprise_api.url("/me"), headers=bearer(admin_token)).json()["id"]
    demote = client.patch(enterprise_api.url(f"/users/{my_id}"), json={"role": "viewer"}, headers=bearer(admin_token))
    assert demote.status_code == 409
    disable = client.patch(
        enterprise_api.url(f"/users/{my_id}"), json={"is_active": False}, headers=bearer(admin_token)
    )
    assert disable.status_code in {403, 409}
    assert client.get(enterprise_api.url("/me"), headers=bearer(admin_token)).json()["role"] == "admin"


def test_invalid_user_payloads_are_422_naming_the_field(enterprise_api: EnterpriseApi, admin_token: str) -> None:
    client = enterprise_api.client
    cases = {
        "body.email": {"email": "not-an-email"},
        "body.role": {"email": "ok@ok.example", "role": "overlord"},
        "body.password": {"email": "ok2@ok.example", "password": "short"},
        "body.unexpected": {"email": "ok3@ok.example", "unexpected": True},
    }
    for field, payload in cases.items():
        response = client.post(enterprise_api.url("/users"), json=payload, headers=bearer(admin_token))
        assert response.status_code == 422, payload
        assert field in [f["field"] for f in response.json()["fields"]], response.json()
    broken = client.post(
        enterprise_api.url("/users"),
        content=b"{not json",
        headers={**bearer(admin_token), "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    assert broken.json()["error"] == "validation_error"


def test_duplicate_email_is_409(enterprise_api: EnterpriseApi, account, admin_token: str) -> None:
    response = enterprise_api.client.post(
        enterprise_api.url("/users"),
        json={"email": account.admin_email.upper(), "role": "viewer"},
        headers=bearer(admin_token),
    )
    assert response.status_code == 409
    assert account.admin_email in response.json()["detail"]


def _stored_hash(settings: Settings, email: str, replace_with: str | None = None) -> str:
    runtime = EnterpriseRuntime.from_settings(settings)
    try:
        with session_scope(runtime.session_factory) as session:
            user = auth_repository.user_by_email(session, email)
            assert user is not None
            assert user.password_hash is not None
            if replace_with is not None:
                user.password_hash = replace_with
            return user.password_hash
    finally:
        runtime.engine.dispose()


def test_a_password_stored_at_another_cost_is_rehashed_at_the_next_sign_in(
    enterprise_api: EnterpriseApi, account
) -> None:
    """An operator raised (or lowered) PASSWORD_HASH_*: the old hash still signs in, once, and is
    replaced by one at the configured cost; a wrong password changes nothing."""
    settings = enterprise_api.settings
    configured = f"m={settings.password_hash_memory_kib},t={settings.password_hash_iterations},"
    older_cost = Settings(password_hash_memory_kib=19_456, password_hash_iterations=2, password_hash_parallelism=1)
    old_hash = password_hasher(older_cost).hash(DEFAULT_PASSWORD)
    assert configured not in old_hash
    _stored_hash(settings, account.admin_email, replace_with=old_hash)

    wrong = enterprise_api.client.post(
        enterprise_api.url("/auth/token"), data={"username": account.admin_email, "password": "not-the-password"}
    )
    assert wrong.status_code == 401
    assert _stored_hash(settings, account.admin_email) == old_hash

    token = enterprise_token(enterprise_api.client, enterprise_api.prefix, account.admin_email)
    assert enterprise_api.client.get(enterprise_api.url("/me"), headers=bearer(token)).status_code == 200
    rehashed = _stored_hash(settings, account.admin_email)
    assert rehashed != old_hash
    assert rehashed.startswith(f"$argon2id$v=19${configured}")
    enterprise_token(enterprise_api.client, enterprise_api.prefix, account.admin_email)  # still the password
    assert _stored_hash(settings, account.admin_email) == rehashed  # not rehashed again
