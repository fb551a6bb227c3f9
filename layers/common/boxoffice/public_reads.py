"""Reads anyone may make without a token (the public program: venues, movies, screenings, seat maps) are limited
per client address, so one address cannot crowd out the rest.

Counted in each warm environment's memory, not in a table: a write per anonymous read would double what a seat
map polled every 2 s costs. So the limit holds per environment, and an address spread over N environments may
read N times as much; API Gateway's stage throttle (StageRateLimit) bounds the whole. A person browsing, or a
seat map polling, stays far below it.
"""

from __future__ import annotations

from boxoffice.errors import TooManyRequests

WINDOW_SECONDS = 10
READS_PER_WINDOW = 100
_MAX_ADDRESSES = 10_000  # remembered at once per environment; the oldest windows are dropped first

_windows: dict[str, tuple[int, int]] = {}  # address -> (window start, reads in it)


def admit(address: str, now: int) -> None:
    """Count one public read from `address`; 429 TOO_MANY_READS with Retry-After past the window's allowance."""
    start, count = _windows.get(address, (now, 0))
    if now - start >= WINDOW_SECONDS:
        start, count = now, 0
    if count >= READS_PER_WINDOW:
        raise TooManyRequests(
            "Too many requests from your address; wait a few seconds",
            code="TOO_MANY_READS",
            headers={"Retry-After": str(max(1, start + WINDOW_SECONDS - now))},
        )
    _windows.pop(address, None)  # re-inserted last: the dict stays ordered oldest first
    _windows[address] = (start, count + 1)
    while len(_windows) > _MAX_ADDRESSES:
        del _windows[next(iter(_windows))]


def forget_all() -> None:
    _windows.clear()
