"""The source behind a connector, built with its stored credentials."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from enterprise.connectors import dropbox, google_drive, oauth, salesforce
from enterprise.connectors.base import OAuthEndpoints, Source
from enterprise.connectors.http import RetryPolicy, SourceSession, Tokens
from enterprise.connectors.models import Connector, ConnectorKind
from enterprise.database import bind_enterprise
from shared.database import session_scope
from shared.errors import ConflictError
from shared.settings import Settings

CLIENT_SETTING = {
    ConnectorKind.GOOGLE_DRIVE: "GOOGLE_DRIVE_CLIENT_ID",
    ConnectorKind.DROPBOX: "DROPBOX_APP_KEY",
    ConnectorKind.SALESFORCE: "SALESFORCE_CLIENT_ID",
}


def oauth_endpoints(kind: ConnectorKind, settings: Settings) -> OAuthEndpoints:
    endpoints = {
        ConnectorKind.GOOGLE_DRIVE: google_drive.oauth_endpoints,
        ConnectorKind.DROPBOX: dropbox.oauth_endpoints,
        ConnectorKind.SALESFORCE: salesforce.oauth_endpoints,
    }[kind](settings)
    if not endpoints.client_id:
        raise ConflictError(f"{kind.value} connectors are not set up on this server: set {CLIENT_SETTING[kind]}")
    return endpoints


def _saver(
    factory: sessionmaker[Session], connector_id: uuid.UUID, enterprise_id: uuid.UUID
) -> Callable[[Tokens], None]:
    def save(tokens: Tokens) -> None:
        with session_scope(factory) as session:
            bind_enterprise(session, enterprise_id)
            connector = session.get(Connector, connector_id)
            if connector is None:
                return
            connector.access_token = tokens.access_token
            connector.refresh_token = tokens.refresh_token
            connector.token_expires_at = tokens.expires_at

    return save


def open_source(
    factory: sessionmaker[Session], settings: Settings, connector: Connector
) -> tuple[Source, SourceSession]:
    endpoints = oauth_endpoints(connector.kind, settings)
    tokens = Tokens(connector.access_token or "", connector.refresh_token, connector.token_expires_at)
    session = SourceSession(
        tokens,
        refresher=lambda refresh_token: oauth.refresh(endpoints, refresh_token),
        saver=_saver(factory, connector.id, connector.enterprise_id),
        retry=RetryPolicy(first_wait=settings.connector_retry_seconds),
        is_expired_token=dropbox.is_expired_token if connector.kind == ConnectorKind.DROPBOX else None,
    )
    if connector.kind == ConnectorKind.GOOGLE_DRIVE:
        return google_drive.GoogleDrive(session, settings), session
    if connector.kind == ConnectorKind.DROPBOX:
        return dropbox.Dropbox(session, settings), session
    return salesforce.Salesforce(session, str((connector.account or {}).get("instance_url", ""))), session
