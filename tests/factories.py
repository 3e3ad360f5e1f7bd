"""Enterprises, users, chatbot tenants and their tokens, made through the real services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from starlette.testclient import TestClient

from chatbot.runtime import ChatbotRuntime
from chatbot.service import create_tenant
from enterprise.auth.models import Role
from enterprise.auth.service import create_enterprise
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from shared.settings import Settings

DEFAULT_PASSWORD = "correct-horse-battery"


def unique_slug(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@dataclass
class EnterpriseAccount:
    enterprise_id: uuid.UUID
    slug: str
    admin_email: str
    password: str = DEFAULT_PASSWORD


def make_enterprise(settings: Settings, prefix: str = "acme") -> EnterpriseAccount:
    runtime = EnterpriseRuntime.from_settings(settings)
    slug = unique_slug(prefix)
    try:
        with session_scope(runtime.session_factory) as session:
            enterprise, admin = create_enterprise(
                session,
                slug=slug,
                name=slug.title(),
                admin_email=f"admin@{slug}.example",
                admin_password=DEFAULT_PASSWORD,
                max_documents=settings.enterprise_max_documents,
            )
            return EnterpriseAccount(enterprise.id, slug, admin.email)
    finally:
        runtime.engine.dispose()


def enterprise_token(client: TestClient, prefix: str, email: str, password: str = DEFAULT_PASSWORD) -> str:
    response = client.post(f"{prefix}/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add_user(client: TestClient, prefix: str, admin_token: str, role: Role, slug: str) -> tuple[str, str]:
    """A user of `role` in the admin's enterprise; returns (email, token)."""
    email = f"{role.value}-{uuid.uuid4().hex[:6]}@{slug}.example"
    response = client.post(
        f"{prefix}/users",
        json={"email": email, "role": role.value, "password": DEFAULT_PASSWORD},
        headers=bearer(admin_token),
    )
    assert response.status_code == 201, response.text
    return email, enterprise_token(client, prefix, email)


@dataclass
class ChatbotAccount:
    slug: str
    admin_email: str
    password: str = DEFAULT_PASSWORD


def make_chatbot_tenant(settings: Settings, prefix: str = "shop") -> ChatbotAccount:
    runtime = ChatbotRuntime.from_settings(settings)
    slug = unique_slug(prefix)
    try:
        with session_scope(runtime.session_factory) as session:
            create_tenant(session, slug, slug.title(), f"owner@{slug}.example", DEFAULT_PASSWORD)
    finally:
        runtime.engine.dispose()
    return ChatbotAccount(slug, f"owner@{slug}.example")
