"""Webhook endpoints and their delivery log, for admins."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from enterprise.audit import service as audit
from enterprise.audit.service import Action, Actor
from enterprise.dependencies import AdminUser, ClientIp, DbSession, Runtime
from enterprise.webhooks import service
from enterprise.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    WebhookChange,
    WebhookCreate,
    WebhookOut,
    WebhookWithSecret,
)
from shared.request_guards import Offset

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.get("", response_model=list[WebhookOut])
def list_webhooks(admin: AdminUser, session: DbSession) -> list[WebhookOut]:
    """The enterprise's webhook endpoints; never their secrets."""
    return [WebhookOut.model_validate(e) for e in service.list_endpoints(session, admin.enterprise_id)]


@router.post("", response_model=WebhookWithSecret, status_code=status.HTTP_201_CREATED)
def create_webhook(
    body: WebhookCreate, admin: AdminUser, session: DbSession, runtime: Runtime, ip: ClientIp
) -> WebhookWithSecret:
    """Register a receiver; the response holds its signing secret, this once."""
    endpoint = service.create_endpoint(
        session, admin.enterprise_id, admin.id, body.url, body.events, body.description, runtime.settings
    )
    out = WebhookWithSecret(**WebhookOut.model_validate(endpoint).model_dump(), secret=endpoint.secret)
    session.commit()
    audit.record(
        runtime.session_factory, Actor.of(admin, ip), Action.WEBHOOK_CREATED, "webhook", endpoint.id,
        url=endpoint.url, events=endpoint.events,
    )  # fmt: skip
    return out


@router.patch("/{webhook_id}", response_model=WebhookWithSecret | WebhookOut)
def change_webhook(
    webhook_id: uuid.UUID, body: WebhookChange, admin: AdminUser, session: DbSession, runtime: Runtime, ip: ClientIp
) -> WebhookWithSecret | WebhookOut:
    """Change the address, the events, pause (is_active false) or resume, or rotate the secret."""
    change = service.EndpointChange(body.url, body.events, body.description, body.is_active, body.rotate_secret)
    endpoint = service.change_endpoint(session, admin.enterprise_id, webhook_id, change, runtime.settings)
    session.flush()
    out = WebhookOut.model_validate(endpoint)
    result = WebhookWithSecret(**out.model_dump(), secret=endpoint.secret) if body.rotate_secret else out
    session.commit()
    changed = sorted(body.model_dump(exclude_unset=True))
    audit.record(
        runtime.session_factory, Actor.of(admin, ip), Action.WEBHOOK_CHANGED, "webhook", endpoint.id, changed=changed
    )
    return result


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: uuid.UUID, admin: AdminUser, session: DbSession, runtime: Runtime, ip: ClientIp) -> None:
    """Remove the endpoint and its delivery log; nothing more is sent to it."""
    service.delete_endpoint(session, admin.enterprise_id, webhook_id)
    session.commit()
    audit.record(runtime.session_factory, Actor.of(admin, ip), Action.WEBHOOK_DELETED, "webhook", webhook_id)


@router.post("/{webhook_id}/ping", response_model=DeliveryOut, status_code=status.HTTP_202_ACCEPTED)
def ping_webhook(webhook_id: uuid.UUID, admin: AdminUser, session: DbSession, runtime: Runtime) -> DeliveryOut:
    """Send a signed `ping` event now, to try the receiver; its result appears in the log."""
    delivery = service.ping(session, admin.enterprise_id, webhook_id)
    out = DeliveryOut.model_validate(delivery)
    session.commit()
    runtime.webhooks_recorded()
    return out


@router.get("/{webhook_id}/deliveries", response_model=DeliveryPage)
def list_deliveries(
    webhook_id: uuid.UUID,
    admin: AdminUser,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Offset = 0,
) -> DeliveryPage:
    """What was sent to the endpoint, newest first: each attempt's status code or error."""
    rows, total = service.list_deliveries(session, admin.enterprise_id, webhook_id, limit, offset)
    return DeliveryPage(items=[DeliveryOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)
