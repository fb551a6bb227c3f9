"""A venue's time: instants are stored in UTC; what is shown or grouped by day is the venue's (design.md rule 13).

A local wall-clock time names no instant, one, or two: in a DST gap (spring forward) it does not exist, in a
DST overlap (fall back) it exists twice. Both are refused rather than guessed, unless an offset says which.
The business day is the trading day a cinema counts in: it starts at `business_day_starts` local time (05:00
by default), so a sale at 01:30 belongs to the day before.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from boxoffice.errors import Invalid, field_errors
from boxoffice.settings import get_settings
from boxoffice.venues import DEFAULT_VENUE_ID


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; ValueError for anything else (a path, a POSIX TZ string, an alias of nothing). What a
    client sends is checked here once, when a venue is written; stored names are read with `known_zone`."""
    if name not in _zone_names():
        raise ValueError(f"{name!r} is not an IANA time zone")
    return known_zone(name)


@functools.cache
def known_zone(name: str) -> ZoneInfo:
    """A zone whose name was checked when it was written (a venue's, copied to its screenings and orders)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{name!r} is not an IANA time zone") from error


@functools.cache
def _zone_names() -> frozenset[str]:
    # Read once per environment, and only where a name comes from a client: listing the zones walks tzdata.
    return frozenset(available_timezones())


def venue_and_zone(venue_id: str | None, timezone: str | None) -> tuple[str, str]:
    """An item's venue and time zone as it carries them; one older than venues has neither, and is the default
    venue's, in the zone the stack made that venue with (until the migration gives it its own)."""
    return venue_id or DEFAULT_VENUE_ID, timezone or get_settings().default_timezone


def local_iso(epoch_seconds: int, timezone: str) -> str:
    """ISO 8601 with the venue's offset at that instant, e.g. 2026-12-24T20:00:00+01:00."""
    return datetime.fromtimestamp(epoch_seconds, tz=known_zone(timezone)).isoformat(timespec="seconds")


def instant_of_local(wall: datetime, timezone: str, *, field: str = "starts_at_local") -> int:
    """The one instant a naive local time names in `timezone`, or 422 if it names none or two."""
    tz = known_zone(timezone)
    candidates = {
        int(wall.replace(tzinfo=tz, fold=fold).timestamp())
        for fold in (0, 1)
        if _round_trips(wall.replace(tzinfo=tz, fold=fold), wall)
    }
    if not candidates:
        raise Invalid(
            f"{wall.isoformat()} does not exist in {timezone} (the clocks skip it)",
            code="LOCAL_TIME_DOES_NOT_EXIST",
            details=field_errors(field, "this local time does not exist (the clocks skip it)", timezone=timezone),
        )
    if len(candidates) > 1:
        raise Invalid(
            f"{wall.isoformat()} happens twice in {timezone} (the clocks go back); give starts_at with its offset",
            code="LOCAL_TIME_AMBIGUOUS",
            details=field_errors(
                field,
                "this local time happens twice: give starts_at with its offset",
                timezone=timezone,
                candidates=[local_iso(instant, timezone) for instant in sorted(candidates)],
            ),
        )
    return candidates.pop()


def _round_trips(aware: datetime, wall: datetime) -> bool:
    """Whether the aware time, taken to UTC and back, still reads `wall` (it does not inside a gap)."""
    back = aware.astimezone(UTC).astimezone(aware.tzinfo)
    return back.replace(tzinfo=None) == wall.replace(tzinfo=None)


def day_starts(day: date, timezone: str, at: time = time(0)) -> int:
    """The first instant of `day` at `at` local time. A start inside a gap moves to the gap's end; inside an
    overlap it is the first of the two (a day must start once)."""
    tz = known_zone(timezone)
    wall = datetime.combine(day, at)
    for minutes in range(0, 181):  # no zone skips more than three hours at once
        shifted = wall + timedelta(minutes=minutes)
        aware = shifted.replace(tzinfo=tz, fold=0)
        if _round_trips(aware, shifted):
            return int(aware.timestamp())
    raise ValueError(f"no start of {day} in {timezone}")  # pragma: no cover - no zone has such a gap


def local_day_window(day: date, timezone: str) -> tuple[int, int]:
    """[start, end) of the local calendar day `day`: 23, 24 or 25 hours long."""
    return day_starts(day, timezone), day_starts(day + timedelta(days=1), timezone)


def business_day_window(day: date, timezone: str, starts: time) -> tuple[int, int]:
    """[start, end) of the business day `day`: from `starts` that day to `starts` the next."""
    return day_starts(day, timezone, starts), day_starts(day + timedelta(days=1), timezone, starts)


def business_day(epoch_seconds: int, timezone: str, starts: time) -> date:
    """The business day an instant belongs to: its local date, or the day before when earlier than `starts`."""
    local = datetime.fromtimestamp(epoch_seconds, tz=known_zone(timezone))
    day = local.date()
    return day - timedelta(days=1) if epoch_seconds < day_starts(day, timezone, starts) else day


def parse_hh_mm(text: str) -> time:
    """ "HH:MM", 00:00 to 23:59."""
    hours, _, minutes = text.partition(":")
    if len(hours) != 2 or len(minutes) != 2 or not (hours + minutes).isdigit():
        raise ValueError("HH:MM, e.g. 05:00")
    hour, minute = int(hours), int(minutes)
    if hour > 23 or minute > 59:
        raise ValueError("HH:MM, from 00:00 to 23:59")
    return time(hour, minute)
