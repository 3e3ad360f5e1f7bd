"""Password hashing and JWTs. Each product signs with its own audience, so a token of one
product is refused by the other even though both share the secret."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from shared.settings import Settings, get_settings


def password_hasher(settings: Settings) -> PasswordHash:
    """argon2id at the configured cost; hashes of any other cost still verify."""
    return PasswordHash(
        (
            Argon2Hasher(
                time_cost=settings.password_hash_iterations,
                memory_cost=settings.password_hash_memory_kib,
                parallelism=settings.password_hash_parallelism,
            ),
        )
    )


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    # The process's settings, not an app's: both products' sign-ins and the CLI hash alike.
    return password_hasher(get_settings())


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verifying against this keeps the timing of "unknown user" close to "wrong password";
    made at the first sign-in, not at every start of a process."""
    return _hasher().hash("timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Whether the password matches; the stored hash stays as it is (the chatbot's sign-in)."""
    return _verify(password, password_hash, rehash=False)[0]


def verify_and_rehash(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Whether the password matches, and its hash at the configured cost when the stored one was
    made at another (to be stored in its place), else None."""
    return _verify(password, password_hash, rehash=True)


def _verify(password: str, password_hash: str | None, rehash: bool) -> tuple[bool, str | None]:
    if password_hash is None:
        _hasher().verify(password, _dummy_hash())
        return False, None
    try:
        if rehash:
            return _hasher().verify_and_update(password, password_hash)
        # A caller that keeps the stored hash must not pay for a new one after a cost change.
        return _hasher().verify(password, password_hash), None
    except Exception:  # a malformed stored hash is a failed login, not a crash
        return False, None


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
