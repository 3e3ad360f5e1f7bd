"""Password hashing and JWTs. Each product signs with its own audience, so a token of one
product is refused by the other even though both share the secret."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash

from shared.settings import Settings

_password_hash = PasswordHash.recommended()
# Verifying against this keeps the timing of "unknown user" close to "wrong password".
_DUMMY_HASH = _password_hash.hash("timing-equaliser")


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _password_hash.verify(password, _DUMMY_HASH)
        return False
    try:
        return _password_hash.verify(password, password_hash)
    except Exception:  # a malformed stored hash is a failed login, not a crash
        return False


class InvalidTokenError(Exception):
    """The token is missing, malformed, expired, of the wrong audience or badly signed."""


@dataclass(frozen=True)
class TokenCodec:
    secret: str
    algorithm: str
    audience: str
    issuer: str = "enterprise-ai-brain"

    @classmethod
    def for_audience(cls, settings: Settings, audience: str) -> TokenCodec:
        return cls(secret=settings.jwt_secret_key, algorithm=settings.jwt_algorithm, audience=audience)

    def encode(self, subject: str, lifetime: timedelta, claims: dict[str, Any] | None = None) -> str:
        now = datetime.now(UTC)
        payload: dict[str, Any] = {
            **(claims or {}),
            "sub": subject,
            "aud": self.audience,
            "iss": self.issuer,
            "iat": now,
            "exp": now + lifetime,
        }
        return jwt.encode(payload, self.secret, algorithm=self.algorithm)

    def decode(self, token: str) -> dict[str, Any]:
        try:
            return jwt.decode(
                token,
                self.secret,
                # Only the configured algorithm: refuses "none" and algorithm confusion.
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(str(exc)) from exc
