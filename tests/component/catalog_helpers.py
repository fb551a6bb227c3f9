"""Small builders for catalog tests: valid bodies, and resources made through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from boxoffice.clock import clock
from tools import factories
from tools.factories import hall_body, movie_body

__all__ = ["Catalog", "at", "business_day", "hall_body", "movie_body", "screening_body"]


def business_day(epoch_seconds: float | None = None) -> str:
    """The default venue's business day (Europe/Berlin, from 05:00: the template's defaults) of a moment, or of now:
    what the till and the daily report group by."""
    from datetime import time

    from boxoffice.venues.local_time import business_day as of

    moment = int(clock.time() if epoch_seconds is None else epoch_seconds)
    return of(moment, "Europe/Berlin", time(5)).isoformat()


def at(hours_from_now: float, base: float | None = None) -> str:
    """An ISO time `hours_from_now` after now (or after `base`, to keep several times in step)."""
    start = datetime.fromtimestamp(base if base is not None else clock.time(), tz=UTC)
    moment = start + timedelta(hours=hours_from_now)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def screening_body(
    movie_id: str, hall_id: str, hours_from_now: float = 48, base: float | None = None, **changes: Any
) -> dict[str, Any]:
    return factories.screening_body(movie_id, hall_id, at(hours_from_now, base), **changes)


class Catalog:
    """Makes catalog resources through the API as an administrator."""

    def __init__(self, stack: Any, token: str) -> None:
        self.stack, self.token = stack, token

    def _create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.stack.api.post(path, body, token=self.token)
        assert answer.status == 201, answer
        return answer.body

    def movie(self, **changes: Any) -> dict[str, Any]:
        return self._create("/movies", movie_body(**changes))

    def member(self, name: str = "Maria", **changes: Any) -> dict[str, Any]:
        return self._create("/members", {"name": name, "email": "maria@example.com", "city": "Berlin", **changes})

    def hall(self, rows: int = 3, seats: int = 10, **changes: Any) -> dict[str, Any]:
        return self._create("/halls", hall_body(rows, seats, **changes))

    def screening(
        self, movie_id: str | None = None, hall_id: str | None = None, hours_from_now: float = 48, **changes: Any
    ) -> dict[str, Any]:
        movie_id = movie_id or self.movie()["movie_id"]
        hall_id = hall_id or self.hall()["hall_id"]
        return self._create("/screenings", screening_body(movie_id, hall_id, hours_from_now, **changes))


def collect(stack, path, token, query=None, limit=2):
    """Every item of a list, page by page; also checks no page is larger than asked."""
    items, cursor, pages = [], None, 0
    while True:
        page = stack.api.get(
            path, token=token, query={**(query or {}), "limit": limit, **({"cursor": cursor} if cursor else {})}
        )
        assert page.status == 200, page
        assert len(page.body["items"]) <= limit
        items += page.body["items"]
        pages += 1
        cursor = page.body["next_cursor"]
        if not cursor:
            return items, pages
