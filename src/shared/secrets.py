"""Credentials at rest: encrypted with a key from the environment (`SECRETS_KEY`), never
returned and never logged.

`EncryptedText` is the column type for anything a connector or an integration must keep (an
OAuth refresh token, an API key): the database holds only Fernet tokens (AES-128-CBC with an
HMAC-SHA256, from `cryptography`). `SECRETS_KEY` may list several keys, comma-separated: the
first encrypts, all decrypt, so a key is rotated by putting the new one first.
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from shared.errors import ConflictError
from shared.settings import Settings

REDACTED = "[redacted]"
# Log fields whose values are never written, whatever logs them.
SECRET_FIELD_WORDS = ("password", "secret", "token", "api_key", "apikey", "authorization", "credential", "cookie")


class SecretsUnavailableError(RuntimeError):
    """A secret must be stored or read, and SECRETS_KEY is not set or does not fit."""


def generate_key() -> str:
    return Fernet.generate_key().decode()


class SecretBox:
    def __init__(self, keys: str) -> None:
        try:
            self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])
        except (ValueError, TypeError) as exc:
            raise SecretsUnavailableError(
                "SECRETS_KEY must be one or more Fernet keys, comma-separated (`brain secrets-key` makes one)"
            ) from exc

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise SecretsUnavailableError(
                "a stored secret does not open with SECRETS_KEY (was the key changed?)"
            ) from exc


_box: SecretBox | None = None
_box_lock = threading.Lock()


def configure_secrets(settings: Settings) -> None:
    global _box
    with _box_lock:
        _box = SecretBox(settings.secrets_key) if settings.secrets_key else None


def secret_box() -> SecretBox:
    if _box is None:
        raise SecretsUnavailableError("storing a credential needs SECRETS_KEY (`brain secrets-key` makes one)")
    return _box


def require_secrets(what: str) -> None:
    """409 naming SECRETS_KEY when `what` (a feature that stores credentials) cannot keep them."""
    try:
        secret_box()
    except SecretsUnavailableError as error:
        raise ConflictError(f"{what} cannot keep credentials on this server: {error}") from error


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted; Python sees the plaintext."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else secret_box().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else secret_box().decrypt(value)


def redact_secrets(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A structlog processor: fields named like credentials are replaced before rendering."""
    for name in list(event):
        if any(word in name.lower() for word in SECRET_FIELD_WORDS):
            event[name] = REDACTED
    return event
