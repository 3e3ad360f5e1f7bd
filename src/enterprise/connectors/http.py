"""The HTTP session every source uses: the access token on each request, refreshed before it
expires and once on a 401; 429 honoured with its Retry-After; 5xx, timeouts and dropped
connections retried with a growing wait; then a SourceError with the reason."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import structlog

from enterprise.connectors.base import AuthorizationRevokedError, SourceAnswerError, SourceError

log = structlog.get_logger(__name__)
# Refresh a token this long before the source says it expires.
EXPIRY_MARGIN = timedelta(minutes=2)
# A Retry-After longer than this ends the run: the next scheduled one resumes.
LONGEST_WAIT_SECONDS = 120.0
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@dataclass
class Tokens:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None

    def expiring(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at - EXPIRY_MARGIN <= now


# Given the refresh token, new tokens from the source (AuthorizationRevokedError if refused).
Refresher = Callable[[str], Tokens]
# Keep the new tokens at once, in their own transaction: a refresh token may be single-use.
TokenSaver = Callable[[Tokens], None]


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    first_wait: float = 1.0

    def wait(self, attempt: int) -> float:
        return float(self.first_wait * 2 ** (attempt - 1))


def _retry_after(response: httpx.Response, default: float) -> float:
    value = response.headers.get("retry-after")
    if value is None:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            return default


class SourceSession:
    def __init__(
        self,
        tokens: Tokens,
        refresher: Refresher,
        saver: TokenSaver,
        retry: RetryPolicy,
        is_expired_token: Callable[[httpx.Response], bool] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.tokens = tokens
        self._refresher = refresher
        self._saver = saver
        self._retry = retry
        self._is_expired = is_expired_token or (lambda response: response.status_code == 401)
        self._sleep = sleep
        self._client = httpx.Client(timeout=TIMEOUT, follow_redirects=True)
        self.refreshes = 0

    def close(self) -> None:
        self._client.close()

    def refresh(self) -> None:
        if not self.tokens.refresh_token:
            raise AuthorizationRevokedError("the access token expired and the source gave no refresh token")
        fresh = self._refresher(self.tokens.refresh_token)
        if fresh.refresh_token is None:  # most sources keep the refresh token unless they rotate it
            fresh.refresh_token = self.tokens.refresh_token
        self.tokens = fresh
        self.refreshes += 1
        self._saver(fresh)

    def json(self, method: str, url: str, **kwargs: Any) -> Any:
        with self.stream(method, url, **kwargs) as response:
            body = response.read()
        try:
            return json.loads(body)
        except ValueError as error:
            raise SourceError(f"the source answered {url} with malformed JSON ({error})") from error

    @contextmanager
    def stream(self, method: str, url: str, **kwargs: Any) -> Iterator[httpx.Response]:
        """The response of the first attempt that succeeds, streamed (a download is not held in memory)."""
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            if self.tokens.expiring(datetime.now(UTC)):
                self.refresh()
            headers = {**kwargs.pop("headers", {}), "authorization": f"Bearer {self.tokens.access_token}"}
            kwargs["headers"] = headers
            try:
                with self._client.stream(method, url, **kwargs) as response:
                    if response.status_code < 400:
                        yield response
                        return
                    response.read()
                    failure = self._failure(response, url, attempt, refreshed)
                    if isinstance(failure, str):  # "refresh"
                        refreshed = True
                        self.refresh()
                        attempt -= 1  # a refresh is not a failed attempt
                        continue
                    wait = failure
            except httpx.TimeoutException as error:
                wait = self._transport_wait(url, attempt, f"timed out ({type(error).__name__})")
            except httpx.TransportError as error:
                wait = self._transport_wait(url, attempt, f"connection failed ({type(error).__name__}: {error})")
            log.info("source.retry", url=url, attempt=attempt, wait=wait)
            self._sleep(wait)

    def _failure(self, response: httpx.Response, url: str, attempt: int, refreshed: bool) -> float | str:
        """What to do about an error answer: "refresh", a wait in seconds, or raise."""
        status = response.status_code
        if self._is_expired(response):
            if refreshed:
                raise AuthorizationRevokedError(f"the source refused fresh credentials ({status} at {url})")
            return "refresh"
        if status == 429:
            wait = _retry_after(response, self._retry.wait(attempt))
            if wait > LONGEST_WAIT_SECONDS:
                raise SourceError(
                    f"the source asked to wait {wait:.0f} s before more requests (429); the next run resumes"
                )
            if attempt >= self._retry.attempts:
                raise SourceError(f"the source kept answering 429 (too many requests) at {url}")
            return wait
        if status >= 500:
            if attempt >= self._retry.attempts:
                raise SourceError(f"the source answered {status} {attempt} times at {url}")
            return self._retry.wait(attempt)
        raise SourceAnswerError(f"the source answered {status} at {url}: {response.text[:300]}", status, response.text)

    def _transport_wait(self, url: str, attempt: int, reason: str) -> float:
        if attempt >= self._retry.attempts:
            raise SourceError(f"{url} {reason}, {attempt} times")
        return self._retry.wait(attempt)
