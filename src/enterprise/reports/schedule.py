"""When an enterprise's reports are due: its cron expression read in its own time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from shared.errors import InvalidInputError

# cronsim works in whole minutes: a fire time "at or before now" is searched from the next minute.
_MINUTE = timedelta(minutes=1)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInputError(
            f"unknown time zone {name!r}: use an IANA name such as 'Europe/Madrid' or 'America/New_York'",
            field="body.timezone",
        ) from None


def check_cron(expression: str) -> str:
    expression = " ".join(expression.split())
    if len(expression.split(" ")) != 5:
        raise InvalidInputError("a schedule is five cron fields: minute hour day month weekday", field="body.cron")
    try:
        CronSim(expression, datetime(2000, 1, 1))
    except CronSimError as error:
        raise InvalidInputError(f"invalid schedule {expression!r}: {error}", field="body.cron") from None
    return expression


def latest_fire(expression: str, timezone: str, now: datetime) -> datetime:
    """The last time at or before `now` that the schedule names, in UTC: 9:00 in Madrid is 08:00
    UTC in winter and 07:00 UTC in summer."""
    local = now.astimezone(zone(timezone)).replace(second=0, microsecond=0) + _MINUTE
    fire: datetime = next(CronSim(expression, local, reverse=True))
    return fire.astimezone(UTC)


def next_fire(expression: str, timezone: str, now: datetime) -> datetime:
    """The first time after `now` that the schedule names, in UTC."""
    local = now.astimezone(zone(timezone))
    fire: datetime = next(CronSim(expression, local))
    return fire.astimezone(UTC)
