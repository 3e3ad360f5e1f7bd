"""Webhook signatures in the Standard Webhooks format (standardwebhooks.com), so a receiver can
verify them with that project's libraries or in a few lines of its own:

    signed  = f"{webhook-id}.{webhook-timestamp}.{body}"
    key     = base64-decode(the secret without its "whsec_" prefix)
    webhook-signature = "v1," + base64(HMAC-SHA256(key, signed))

The timestamp (Unix seconds) is signed with the body, so a receiver refuses a replay by
refusing a timestamp far from its own clock."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, message_id, timestamp, body),
    }
