"""OAuth 2.0 authorization-code flow with PKCE (RFC 7636) for every source, on Authlib: the
consent URL, the code exchange and the refresh. The state and verifier are ours; the source
sees only the state and the verifier's S256 challenge."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client

from enterprise.connectors.base import AuthorizationRevokedError, OAuthEndpoints, SourceError
from enterprise.connectors.http import Tokens

# Authlib passes its timeout to each request as a number.
TIMEOUT_SECONDS = 30
CALLBACK_PATH = "/api/enterprise/connectors/oauth/callback"


def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_verifier() -> str:
    return secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43–128


def state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _client(endpoints: OAuthEndpoints, redirect_uri: str | None = None) -> OAuth2Client:
    return OAuth2Client(
        client_id=endpoints.client_id,
        client_secret=endpoints.client_secret,
        scope=endpoints.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post" if endpoints.client_secret else "none",
        timeout=TIMEOUT_SECONDS,
    )


def authorization_url(endpoints: OAuthEndpoints, redirect_uri: str, state: str, verifier: str) -> str:
    with _client(endpoints, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            endpoints.authorize_url, state=state, code_verifier=verifier, **endpoints.extra
        )
    return str(url)


def _tokens(token: dict[str, Any], now: datetime) -> Tokens:
    expires_in = token.get("expires_in")
    expires_at = now + timedelta(seconds=float(expires_in)) if expires_in else None
    return Tokens(str(token["access_token"]), token.get("refresh_token"), expires_at)


def exchange_code(
    endpoints: OAuthEndpoints, redirect_uri: str, code: str, verifier: str
) -> tuple[Tokens, dict[str, Any]]:
    """The tokens for a consent's code, and what else the source said (Salesforce's instance URL)."""
    now = datetime.now(UTC)
    try:
        with _client(endpoints, redirect_uri) as client:
            token = dict(client.fetch_token(endpoints.token_url, code=code, code_verifier=verifier))
    except OAuthError as error:
        raise SourceError(
            f"the source refused the authorization code: {error.error} {error.description or ''}".strip()
        ) from error
    except Exception as error:  # httpx errors, a malformed answer
        raise SourceError(f"the token exchange failed: {type(error).__name__}: {error}") from error
    if "access_token" not in token:
        raise SourceError("the source's token answer holds no access_token")
    extra = {k: v for k, v in token.items() if k not in {"access_token", "refresh_token", "expires_in", "expires_at"}}
    return _tokens(token, now), extra


def refresh(endpoints: OAuthEndpoints, refresh_token: str) -> Tokens:
    now = datetime.now(UTC)
    try:
        with _client(endpoints) as client:
            token = dict(client.refresh_token(endpoints.token_url, refresh_token=refresh_token))
    except OAuthError as error:
        if error.error in {"invalid_grant", "invalid_client", "unauthorized_client"}:
            raise AuthorizationRevokedError(
                f"the source no longer accepts this connector's access ({error.error}); authorize it again"
            ) from error
        raise SourceError(f"refreshing the access token failed: {error.error}") from error
    except Exception as error:
        raise SourceError(f"refreshing the access token failed: {type(error).__name__}: {error}") from error
    if "access_token" not in token:
        raise SourceError("the source's token answer holds no access_token")
    return _tokens(token, now)
