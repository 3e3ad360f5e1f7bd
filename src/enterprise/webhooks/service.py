"""Outgoing webhooks: endpoints an admin registers, events recorded with the change they report,
and their delivery, signed, with retries on a growing delay and a log an admin can read."""

from __future__ import annotations

import ipaddress
import json
import socket
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import structlog
from sqlalchemy.orm import Session, sessionmaker

from enterprise.clock import utc_now
from enterprise.database import bind_enterprise
from enterprise.webhooks import repository
from enterprise.webhooks.models import (
    SUBSCRIBABLE_EVENTS,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from enterprise.webhooks.signing import new_secret, signed_headers
from shared.database import session_scope
from shared.errors import ConflictError, InvalidInputError
from shared.secrets import require_secrets
from shared.settings import Settings

log = structlog.get_logger(__name__)
MAX_ENDPOINTS = 20
LONGEST_DELAY = timedelta(hours=12)
# A worker holds a delivery this long while it sends it; after that another may try.
LEASE = timedelta(minutes=2)
USER_AGENT = "EnterpriseAIBrain-Webhooks/1"
MAX_LOGGED_ERROR = 300


@dataclass(frozen=True)
class DeliveryPolicy:
    first_delay: timedelta
    max_attempts: int
    timeout_seconds: float
    allow_private_networks: bool

    @classmethod
    def of(cls, settings: Settings) -> DeliveryPolicy:
        return cls(
            first_delay=timedelta(seconds=settings.webhook_retry_seconds),
            max_attempts=settings.webhook_max_attempts,
            timeout_seconds=settings.webhook_timeout_seconds,
            allow_private_networks=settings.webhook_allow_private_networks,
        )

    def delay_after(self, attempts: int) -> timedelta:
        """Each wait four times the one before: 30 s, 2 min, 8 min, 32 min, 2 h 8 min, … at most 12 h."""
        delay: timedelta = self.first_delay * 4 ** max(0, attempts - 1)
        return min(delay, LONGEST_DELAY)


# ---- where a webhook may point --------------------------------------------------------------------


def target_refusal(url: str, allow_private_networks: bool) -> str | None:
    """Why the service must not send to `url`, or None. Without WEBHOOK_ALLOW_PRIVATE_NETWORKS a
    receiver must be HTTPS on a public address: an admin cannot aim the service's own requests at
    its private network (checked when the endpoint is saved and again before each delivery, as
    the name may resolve elsewhere later)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "the URL must be http(s)://host/…"
    if parts.username or parts.password:
        return "the URL must not hold credentials; the signature authenticates each delivery"
    if allow_private_networks:
        return None
    if parts.scheme != "https":
        return "the URL must use https"
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError:
        return f"the host {parts.hostname} does not resolve"
    for address in addresses:
        if not ipaddress.ip_address(str(address).split("%")[0]).is_global:
            return f"the host {parts.hostname} is on a private or local network ({address})"
    return None


# ---- what admins manage -------------------------------------------------------------------------


def _events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [e for e in chosen if e not in SUBSCRIBABLE_EVENTS]
    if unknown:
        names = ", ".join(SUBSCRIBABLE_EVENTS)
        raise InvalidInputError(f"unknown event(s) {', '.join(unknown)}; events are {names}", field="body.events")
    if not chosen:
        raise InvalidInputError("choose at least one event", field="body.events")
    return chosen


def _check_url(url: str, settings: Settings) -> str:
    refusal = target_refusal(url, settings.webhook_allow_private_networks)
    if refusal is not None:
        raise InvalidInputError(refusal, field="body.url")
    return url


def list_endpoints(session: Session, enterprise_id: uuid.UUID) -> Sequence[WebhookEndpoint]:
    return repository.endpoints(session, enterprise_id)


def create_endpoint(
    session: Session,
    enterprise_id: uuid.UUID,
    created_by: uuid.UUID,
    url: str,
    events: Iterable[str],
    description: str,
    settings: Settings,
) -> WebhookEndpoint:
    require_secrets("webhooks")
    if repository.count_endpoints(session, enterprise_id) >= MAX_ENDPOINTS:
        raise ConflictError(f"an enterprise may have at most {MAX_ENDPOINTS} webhook endpoints")
    endpoint = WebhookEndpoint(
        enterprise_id=enterprise_id,
        url=_check_url(url, settings),
        events=_events(events),
        description=description,
        secret=new_secret(),
        is_active=True,
        created_by_id=created_by,
    )
    session.add(endpoint)
    session.flush()
    return endpoint


@dataclass(frozen=True)
class EndpointChange:
    url: str | None = None
    events: Sequence[str] | None = None
    description: str | None = None
    is_active: bool | None = None
    rotate_secret: bool = False


def change_endpoint(
    session: Session, enterprise_id: uuid.UUID, endpoint_id: object, change: EndpointChange, settings: Settings
) -> WebhookEndpoint:
    endpoint = repository.endpoint(session, enterprise_id, endpoint_id)
    if change.url is not None:
        endpoint.url = _check_url(change.url, settings)
    if change.events is not None:
        endpoint.events = _events(change.events)
    if change.description is not None:
        endpoint.description = change.description
    if change.is_active is not None:
        endpoint.is_active = change.is_active
    if change.rotate_secret:
        require_secrets("webhooks")
        endpoint.secret = new_secret()
    return endpoint


def delete_endpoint(session: Session, enterprise_id: uuid.UUID, endpoint_id: object) -> None:
    session.delete(repository.endpoint(session, enterprise_id, endpoint_id))


# ---- events -------------------------------------------------------------------------------------


def _delivery(endpoint: WebhookEndpoint, event: WebhookEvent, data: dict[str, Any], now: datetime) -> WebhookDelivery:
    return WebhookDelivery(
        id=uuid.uuid4(),
        enterprise_id=endpoint.enterprise_id,
        endpoint_id=endpoint.id,
        event=event.value,
        payload={"type": event.value, "timestamp": now.isoformat(), "data": data},
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        log=[],
    )


def record_event(
    session: Session, enterprise_id: uuid.UUID, event: WebhookEvent, data: dict[str, Any], now: datetime | None = None
) -> int:
    """Queue the event for every active endpoint listening to it, in the caller's transaction;
    the number queued (the caller asks a worker to send them once it has committed)."""
    now = now or utc_now()
    listening = [e for e in repository.active_endpoints(session, enterprise_id) if event.value in (e.events or [])]
    for endpoint in listening:
        session.add(_delivery(endpoint, event, {"enterprise_id": str(enterprise_id), **data}, now))
    return len(listening)


def ping(session: Session, enterprise_id: uuid.UUID, endpoint_id: object) -> WebhookDelivery:
    """A test delivery to one endpoint, whatever events it listens to."""
    endpoint = repository.endpoint(session, enterprise_id, endpoint_id)
    delivery = _delivery(endpoint, WebhookEvent.PING, {"enterprise_id": str(enterprise_id)}, utc_now())
    session.add(delivery)
    session.flush()
    return delivery


def list_deliveries(
    session: Session, enterprise_id: uuid.UUID, endpoint_id: object, limit: int, offset: int
) -> tuple[Sequence[WebhookDelivery], int]:
    endpoint = repository.endpoint(session, enterprise_id, endpoint_id)
    return repository.deliveries(session, enterprise_id, endpoint.id, limit, offset)


# ---- delivery (workers) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    milliseconds: int

    @property
    def accepted(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def deliver_due(
    factory: sessionmaker[Session], settings: Settings, client: httpx.Client | None = None, now: datetime | None = None
) -> datetime | None:
    """Send every delivery that is due; returns when the next one waiting falls due, if any."""
    policy = DeliveryPolicy.of(settings)
    owned = client is None
    client = client or httpx.Client(follow_redirects=False, headers={"user-agent": USER_AGENT})
    try:
        while True:
            started = now or utc_now()
            with session_scope(factory) as session:
                batch = repository.due(session, started, limit=50)
            if not batch:
                break
            for delivery_id in batch:
                _send_one(factory, policy, client, delivery_id, now)
            if now is not None:  # a fixed clock would see the same batch again
                break
    finally:
        if owned:
            client.close()
    with session_scope(factory) as session:
        return repository.next_due(session)


def _send_one(
    factory: sessionmaker[Session],
    policy: DeliveryPolicy,
    client: httpx.Client,
    delivery_id: uuid.UUID,
    now: datetime | None,
) -> None:
    started = now or utc_now()
    with session_scope(factory) as session:
        if not repository.lease(session, delivery_id, started, started + LEASE):
            return
    with session_scope(factory) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
        if delivery is None or endpoint is None:
            return
        url, secret, active = endpoint.url, endpoint.secret, endpoint.is_active
        body = json.dumps({"id": str(delivery.id), **delivery.payload}, separators=(",", ":")).encode()
    outcome = (
        _post(client, policy, url, secret, str(delivery_id), body)
        if active
        else Outcome(None, "the endpoint is disabled", 0)
    )
    with session_scope(factory) as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            return
        bind_enterprise(session, delivery.enterprise_id)
        _record(delivery, outcome, policy, now or utc_now(), final=not active)
    log.info("webhook.attempt", delivery_id=str(delivery_id), status_code=outcome.status_code, error=outcome.error)


def _post(client: httpx.Client, policy: DeliveryPolicy, url: str, secret: str, message_id: str, body: bytes) -> Outcome:
    refusal = target_refusal(url, policy.allow_private_networks)
    if refusal is not None:
        return Outcome(None, refusal, 0)
    headers = {"content-type": "application/json", **signed_headers(secret, message_id, int(time.time()), body)}
    started = time.perf_counter()
    try:
        response = client.post(url, content=body, headers=headers, timeout=policy.timeout_seconds)
    except httpx.HTTPError as error:
        elapsed = int((time.perf_counter() - started) * 1000)
        return Outcome(None, f"{type(error).__name__}: {error}"[:MAX_LOGGED_ERROR], elapsed)
    elapsed = int((time.perf_counter() - started) * 1000)
    refused = None if 200 <= response.status_code < 300 else f"the receiver answered {response.status_code}"
    return Outcome(response.status_code, refused, elapsed)


def _record(delivery: WebhookDelivery, outcome: Outcome, policy: DeliveryPolicy, now: datetime, final: bool) -> None:
    delivery.attempts += 1
    delivery.lease_until = None
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    entry = {
        "at": now.isoformat(),
        "status_code": outcome.status_code,
        "error": outcome.error,
        "ms": outcome.milliseconds,
    }
    delivery.log = [*(delivery.log or []), entry]
    if outcome.accepted:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif final or delivery.attempts >= policy.max_attempts:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + policy.delay_after(delivery.attempts)
