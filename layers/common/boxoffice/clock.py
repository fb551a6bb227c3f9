"""The one clock every rule about time reads, so tests can move time without sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """Wall-clock time plus an offset that tests advance; tests may also stop it."""

    def __init__(self) -> None:
        self.offset_seconds = 0.0
        self._frozen_at: float | None = None

    def time(self) -> float:
        base = self._frozen_at if self._frozen_at is not None else time.time()
        return base + self.offset_seconds

    def advance(self, seconds: float) -> None:
        self.offset_seconds += seconds

    def freeze(self) -> None:
        """Stop the clock where it is: from now on only `advance` moves it."""
        self._frozen_at = time.time()

    def reset(self) -> None:
        self.offset_seconds = 0.0
        self._frozen_at = None


clock = Clock()


def now_epoch() -> int:
    return int(clock.time())


def now() -> datetime:
    return datetime.fromtimestamp(clock.time(), tz=UTC)


def utc_date(epoch_seconds: float) -> str:
    """The UTC date of a moment, YYYY-MM-DD (a subscription's date, a till's day)."""
    return datetime.fromtimestamp(int(epoch_seconds), tz=UTC).date().isoformat()


def iso(epoch_seconds: float) -> str:
    """ISO 8601 UTC with a Z, the only time format the API speaks."""
    return datetime.fromtimestamp(epoch_seconds, tz=UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
