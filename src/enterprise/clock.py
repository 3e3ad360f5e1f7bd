"""The time now, in UTC: one function the domains share (and tests pass their own clock for)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
