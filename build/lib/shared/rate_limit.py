"""Failed sign-ins counted per account and per address, in Redis when there is one (so every
server process shares the count) or in this process otherwise. Built on `limits`."""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from shared.settings import Settings


class LoginThrottle:
    def __init__(self, storage_uri: str, per_account: int, per_address: int, window_minutes: int) -> None:
        # A moving window: a fixed one restarts on the clock's quarter hour, so failures either
        # side of it were counted apart (twice the attempts for an attacker who times them).
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._account = RateLimitItemPerMinute(per_account, window_minutes)
        self._address = RateLimitItemPerMinute(per_address, window_minutes)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginThrottle:
        return cls(
            settings.redis_url or "memory://",
            settings.login_max_failures_per_account,
            settings.login_max_failures_per_address,
            settings.login_failure_window_minutes,
        )

    def retry_after(self, account: str, address: str | None) -> int:
        """Seconds until sign-in may be tried again; 0 when it may now."""
        waits = []
        for item, key in ((self._account, f"account:{account}"), (self._address, f"address:{address}")):
            if not self._limiter.test(item, "login", key):
                waits.append(self._limiter.get_window_stats(item, "login", key).reset_time - time.time())
        return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, account: str, address: str | None) -> None:
        self._limiter.hit(self._account, "login", f"account:{account}")
        self._limiter.hit(self._address, "login", f"address:{address}")
