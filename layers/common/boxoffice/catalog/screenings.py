"""Screenings: a movie in a hall at a time, with a price; creating one creates its chairs.

Creating is safe to retry and safe to race:
- the id is derived from the hall and the start, so a retried request finds
  the screening its first attempt made and only completes its chairs;
- the overlap check reads the hall's schedule and then commits only if the
  hall's schedule version is still the one it read, so two screenings can
  never be booked into the same hall at the same time;
- the movie remembers its latest screening in the same transaction, so it
  cannot be deleted while it has screenings still to come.
"""

from __future__ import annotations

from datetime import date, datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from boxoffice.booking import chairs as chair_store
from boxoffice.catalog.schemas import ScreeningIn, ScreeningOut, ScreeningUpdateIn
from boxoffice.clock import iso, now_epoch
from boxoffice.errors import Conflict, Invalid, Unavailable, field_errors
from boxoffice.ids import derived_id
from boxoffice.models.base import Transaction, TransactionCancelled, get_or_404, plain
from boxoffice.models.catalog import CANCELLED, REBUILD, RESCHEDULE, SCHEDULED, SETTLE, Hall, Movie, Screening
from boxoffice.models.venues import DEFAULT_VENUE_ID
from boxoffice.observability import MetricUnit, metrics
from boxoffice.pagination import query_page
from boxoffice.schemas import Page
from boxoffice.settings import get_settings
from boxoffice.venues import store as venues
from boxoffice.venues.local_time import instant_of_local, local_day_window, local_iso, venue_and_zone

MAX_SCREENING_SECONDS = (600 + 240) * 60  # the longest runtime plus the longest cleaning
_ATTEMPTS = 3


def price_classes(screening: Screening) -> dict[str, int]:
    return {name: int(cents) for name, cents in plain(screening.price_classes).items()}


def zone_of(screening: Screening) -> tuple[str, str]:
    """The screening's venue and time zone."""
    return venue_and_zone(screening.venue_id, screening.timezone)


def to_out(screening: Screening) -> ScreeningOut:
    venue_id, timezone = zone_of(screening)
    return ScreeningOut(
        screening_id=screening.screening_id,
        movie_id=screening.movie_id,
        movie_name=screening.movie_name,
        hall_id=screening.hall_id,
        hall_name=screening.hall_name,
        venue_id=venue_id,
        starts_at=iso(screening.starts_at),
        starts_at_local=local_iso(int(screening.starts_at), timezone),
        timezone=timezone,
        ends_at=iso(screening.ends_at),
        price_cents=int(screening.price_cents),
        currency=screening.currency,
        price_classes=price_classes(screening),
        chair_count=int(screening.chair_count),
        chairs_ready=bool(screening.chairs_ready),
        created_at=iso(screening.created_at),
        status=screening.status or SCHEDULED,
        cancel_reason=screening.cancel_reason,
        cancelled_at=iso(screening.cancelled_at) if screening.cancelled_at else None,
        orders_to_settle=screening.orders_to_settle,
        settled_at=iso(screening.settled_at) if screening.settled_at else None,
    )


def _overlapping(hall_id: str, starts_at: int, ends_at: int, screening_id: str) -> Screening | None:
    """A screening of the hall that is on between `starts_at` and `ends_at`, if any."""
    candidates = Screening.by_hall.query(hall_id, Screening.starts_at < ends_at, scan_index_forward=False, page_size=20)
    for other in candidates:
        if other.starts_at <= starts_at - MAX_SCREENING_SECONDS:
            return None
        if other.screening_id != screening_id and other.ends_at > starts_at:
            return other
    return None


def _same_request(existing: Screening, wanted: Screening) -> bool:
    fields = ("movie_id", "hall_id", "starts_at", "price_cents", "currency")
    return all(getattr(existing, field) == getattr(wanted, field) for field in fields) and (
        price_classes(existing) == price_classes(wanted)
    )


def _book_the_hall(screening: Screening, movie: Movie, hall: Hall) -> bool:
    """Commit the screening if the hall's schedule and the movie are as read; False to read again."""
    transaction = Transaction()
    transaction.update(
        "hall",
        hall,
        [Hall.schedule_version.set(hall.schedule_version + 1)],
        condition=Hall.schedule_version == hall.schedule_version,
    )
    _movie_learns(transaction, movie, screening.starts_at)
    transaction.put("screening", screening, condition=Screening.screening_id.does_not_exist())
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        failed = cancelled.failed()
        if "screening" in failed:
            raise _AlreadyThere() from cancelled
        if "hall" in failed or "movie" in failed or cancelled.retryable:
            return False
        raise
    return True


def _movie_learns(transaction: Transaction, movie: Movie, starts_at: int) -> None:
    """The movie remembers its latest screening (it cannot be deleted before then), as read or not at all."""
    latest = movie.last_screening_starts_at
    if latest is None or latest < starts_at:
        seen = (
            Movie.last_screening_starts_at.does_not_exist()
            if latest is None
            else (Movie.last_screening_starts_at == latest)
        )
        transaction.update(
            "movie", movie, [Movie.last_screening_starts_at.set(starts_at)], condition=Movie.movie_id.exists() & seen
        )
    else:
        transaction.check(
            "movie",
            Movie,
            movie.movie_id,
            condition=Movie.movie_id.exists() & (Movie.last_screening_starts_at >= starts_at),
        )


class _AlreadyThere(Exception):
    pass


def _start_of(starts_at: datetime | None, starts_at_local: datetime | None, timezone: str) -> int:
    """The instant asked for: as given with its offset, or the venue's wall-clock time read in its zone."""
    if starts_at is not None:
        return int(starts_at.timestamp())
    assert starts_at_local is not None  # the body's validator wants one of the two
    return instant_of_local(starts_at_local, timezone)


def create(body: ScreeningIn) -> tuple[ScreeningOut, bool]:
    """The screening and all its chairs; True when this call created it, False when it completed a retry."""
    settings = get_settings()
    hall = get_or_404(Hall, body.hall_id, "hall")
    venue = venues.facts_of(hall.venue_id)
    if body.currency is not None and body.currency != venue.currency:
        raise Invalid(
            f"The venue sells in {venue.currency}",
            code="CURRENCY_MISMATCH",
            details=field_errors("currency", f"the venue's currency is {venue.currency}"),
        )
    starts_at = _start_of(body.starts_at, body.starts_at_local, venue.timezone)
    if starts_at <= now_epoch():
        raise Invalid("A screening starts in the future", code="STARTS_IN_THE_PAST")
    screening_id = derived_id("screening", body.hall_id, starts_at)
    for attempt in range(_ATTEMPTS):
        movie = get_or_404(Movie, body.movie_id, "movie")
        if attempt:  # the hall's schedule moved since read: read it again
            hall = get_or_404(Hall, body.hall_id, "hall")
        screening = Screening(
            screening_id=screening_id,
            movie_id=movie.movie_id,
            movie_name=movie.name,
            hall_id=hall.hall_id,
            hall_name=hall.name,
            venue_id=venue.venue_id,
            timezone=venue.timezone,
            starts_at=starts_at,
            ends_at=starts_at + (int(movie.runtime_minutes) + settings.cleaning_minutes) * 60,
            price_cents=body.price_cents,
            currency=venue.currency,
            price_classes=dict(body.price_classes),
            row_classes={row.label: row.price_class for row in hall.rows if row.price_class},
            chair_count=int(hall.chair_count),
            chairs_ready=False,
            created_at=now_epoch(),
        )
        clash = _overlapping(hall.hall_id, screening.starts_at, screening.ends_at, screening_id)
        if clash is not None:
            raise Conflict(
                "The hall is busy then",
                code="SCREENING_OVERLAP",
                details={
                    "screening_id": clash.screening_id,
                    "starts_at": iso(clash.starts_at),
                    "ends_at": iso(clash.ends_at),
                },
            )
        try:
            if not _book_the_hall(screening, movie, hall):
                continue
            created = True
        except _AlreadyThere:
            existing = get_or_404(Screening, screening_id, "screening")
            if not _same_request(existing, screening):
                raise Conflict(
                    "The hall already has another screening at that time",
                    code="SCREENING_OVERLAP",
                    details={"screening_id": screening_id},
                ) from None
            screening, created = existing, False
        if not screening.chairs_ready:
            chair_store.create_missing(chair_store.chairs_from_layout(screening, hall))
            screening.update(actions=[Screening.chairs_ready.set(True)])
        return to_out(screening), created
    raise Unavailable("The hall's schedule is changing right now; try again", code="BUSY", headers={"Retry-After": "1"})


def get(screening_id: str) -> ScreeningOut:
    return to_out(get_or_404(Screening, screening_id, "screening"))


def _epoch(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment else None


def list_page(
    limit: int,
    cursor: str | None,
    movie_id: str | None,
    starts_from: datetime | None,
    starts_before: datetime | None,
    venue_id: str | None = None,
    day: date | None = None,
) -> Page[ScreeningOut]:
    """By start time, from now unless `starts_from` says otherwise; optionally one movie's, one venue's, or those
    of one local calendar day (the venue's, or the default venue's when none is named)."""
    high: int | None
    if day is not None:
        if starts_from or starts_before:
            raise Invalid("Give a date or from/to, not both", code="VALIDATION_FAILED", details=_window_errors())
        low, high = local_day_window(day, venues.facts_of(venue_id).timezone)
    else:
        low, high = int(starts_from.timestamp()) if starts_from else now_epoch(), _epoch(starts_before)
    if high is not None and high <= low:
        raise Invalid("`to` must come after `from`", code="EMPTY_WINDOW")
    filter_condition = None
    if movie_id:
        index, hash_value = Screening.by_movie, movie_id
        filter_condition = (Screening.venue_id == venue_id) if venue_id else None
    elif venue_id:
        index, hash_value = Screening.by_venue, venue_id
    else:
        index, hash_value = Screening.by_start, "SCREENING"
    window = Screening.starts_at.between(low, high - 1) if high is not None else Screening.starts_at >= low
    screenings, next_cursor = query_page(
        Screening,
        index,
        hash_value,
        limit=limit,
        cursor=cursor,
        range_condition=window,
        filter_condition=filter_condition,
    )
    return Page[ScreeningOut](items=[to_out(screening) for screening in screenings], next_cursor=next_cursor)


def _window_errors() -> dict[str, list[dict[str, str]]]:
    return {"errors": [{"location": "query.date", "message": "not with from or to"}]}


def cancel(screening_id: str, reason: str) -> ScreeningOut:
    """Cancelled at once (no hold can be placed from now on); its orders are settled in the background by
    boxoffice.payments.settlement, which finds it through `pending`. Cancelling again answers the same."""
    screening = get_or_404(Screening, screening_id, "screening")
    if screening.status == CANCELLED:
        return to_out(screening)
    now = now_epoch()
    if int(screening.ends_at) <= now:
        raise Conflict("The screening is over; refund its orders one by one", code="SCREENING_OVER")
    try:
        screening.update(
            actions=[
                Screening.status.set(CANCELLED),
                Screening.cancel_reason.set(reason),
                Screening.cancelled_at.set(now),
                Screening.pending.set(SETTLE),
            ],
            condition=Screening.status.does_not_exist() | (Screening.status != CANCELLED),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        screening.refresh(consistent_read=True)  # cancelled by someone else meanwhile: the same answer
    metrics.add_metric(name="ScreeningsCancelled", unit=MetricUnit.Count, value=1)
    return to_out(screening)


def update(screening_id: str, body: ScreeningUpdateIn) -> ScreeningOut:
    """A new time and/or new prices. The hall must be free at the new time (checked as on creation, against
    the hall's schedule version); holds made afterwards take the new prices; ticket holders keep their chairs,
    and the settlement worker copies the new time to their orders and the new prices to the seat map."""
    for _ in range(_ATTEMPTS):
        screening = get_or_404(Screening, screening_id, "screening")
        now = now_epoch()
        if screening.status == CANCELLED:
            raise Conflict("The screening was cancelled", code="SCREENING_CANCELLED")
        if int(screening.starts_at) <= now:
            raise Conflict("The screening has started", code="SCREENING_STARTED")
        _, timezone = zone_of(screening)
        asked = body.starts_at is not None or body.starts_at_local is not None
        starts_at = _start_of(body.starts_at, body.starts_at_local, timezone) if asked else int(screening.starts_at)
        if starts_at <= now:
            raise Invalid("A screening starts in the future", code="STARTS_IN_THE_PAST")
        ends_at = starts_at + int(screening.ends_at) - int(screening.starts_at)
        moving = body.hall_id is not None and body.hall_id != screening.hall_id
        actions: list[Action] = [
            Screening.starts_at.set(starts_at),
            Screening.ends_at.set(ends_at),
            Screening.rescheduled_at.set(now),
            Screening.pending.set(REBUILD if moving else RESCHEDULE),
        ]
        if body.price_cents is not None:
            actions.append(Screening.price_cents.set(body.price_cents))
        if body.price_classes is not None:
            actions.append(Screening.price_classes.set(dict(body.price_classes)))
        transaction = Transaction()
        if moving:
            if chair_store.orders_on(screening.screening_id):
                raise Conflict(
                    "The screening has live or paid orders; it cannot change halls", code="SCREENING_HAS_ORDERS"
                )
            new_hall = get_or_404(Hall, str(body.hall_id), "hall")
            if (new_hall.venue_id or DEFAULT_VENUE_ID) != (screening.venue_id or DEFAULT_VENUE_ID):
                raise Invalid(
                    "A screening moves only to another hall of its venue",
                    code="HALL_IN_ANOTHER_VENUE",
                    details=field_errors("hall_id", "a hall of another venue"),
                )
            # No holds until the worker has laid the chairs out in the new hall (503 NOT_READY meanwhile).
            actions += [
                Screening.hall_id.set(new_hall.hall_id),
                Screening.hall_name.set(new_hall.name),
                Screening.row_classes.set({row.label: row.price_class for row in new_hall.rows if row.price_class}),
                Screening.chair_count.set(int(new_hall.chair_count)),
                Screening.chairs_ready.set(False),
            ]
        if moving or starts_at != int(screening.starts_at):
            hall = get_or_404(Hall, str(body.hall_id) if moving else screening.hall_id, "hall")
            clash = _overlapping(hall.hall_id, starts_at, ends_at, screening_id)
            if clash is not None:
                raise Conflict(
                    "The hall is busy then",
                    code="SCREENING_OVERLAP",
                    details={"screening_id": clash.screening_id, "starts_at": iso(clash.starts_at)},
                )
            transaction.update(
                "hall",
                hall,
                [Hall.schedule_version.set(hall.schedule_version + 1)],
                condition=Hall.schedule_version == hall.schedule_version,
            )
            _movie_learns(transaction, get_or_404(Movie, screening.movie_id, "movie"), starts_at)
        transaction.update(
            "screening",
            screening,
            actions,
            # Unchanged since read, not cancelled meanwhile, not being settled, its chairs not being rebuilt.
            condition=(Screening.starts_at == screening.starts_at)
            & (Screening.hall_id == screening.hall_id)
            & (Screening.status.does_not_exist() | (Screening.status != CANCELLED))
            & (Screening.pending.does_not_exist() | (Screening.pending == RESCHEDULE)),
        )
        try:
            transaction.commit()
        except TransactionCancelled as cancelled:
            if cancelled.failed() or cancelled.retryable:  # something changed since read: read again
                continue
            raise
        metrics.add_metric(name="ScreeningsRescheduled", unit=MetricUnit.Count, value=1)
        return to_out(Screening.get(screening_id, consistent_read=True))
    raise Unavailable("The screening is being changed; try again", code="BUSY", headers={"Retry-After": "1"})
