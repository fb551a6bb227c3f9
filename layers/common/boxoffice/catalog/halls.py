"""Halls and their seat layout: rows with a label and a seat count, with gaps for aisles."""

from __future__ import annotations

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from boxoffice.catalog.common import name_key
from boxoffice.catalog.schemas import HallIn, HallOut, HallUpdateIn, RowIn, RowOut
from boxoffice.clock import iso, now_epoch
from boxoffice.errors import Conflict, Invalid, field_errors
from boxoffice.ids import new_id
from boxoffice.models.base import Transaction, TransactionCancelled, get_or_404
from boxoffice.models.catalog import Hall, HallRow, Screening
from boxoffice.models.venues import DEFAULT_VENUE_ID
from boxoffice.pagination import query_page
from boxoffice.schemas import Page
from boxoffice.venues import store as venues


def to_out(hall: Hall) -> HallOut:
    return HallOut(
        hall_id=hall.hall_id,
        venue_id=hall.venue_id or DEFAULT_VENUE_ID,
        name=hall.name,
        chair_count=int(hall.chair_count),
        created_at=iso(hall.created_at),
        rows=[
            RowOut(
                label=row.label,
                seats=int(row.seats),
                gaps=[int(gap) for gap in row.gaps],
                price_class=row.price_class,
                accessible=[int(seat) for seat in row.accessible or []],
                companion=[int(seat) for seat in row.companion or []],
            )
            for row in hall.rows
        ],
    )


def create(body: HallIn) -> HallOut:
    """The hall, in its venue: the venue counts it in the same transaction, so it cannot be deleted meanwhile."""
    venue_id = venues.venue_for_new_hall(body.venue_id)
    hall_id = new_id()
    hall = Hall(
        hall_id=hall_id,
        venue_id=venue_id,
        name=body.name,
        name_key=name_key(body.name, hall_id),
        created_at=now_epoch(),
        rows=_rows(body.rows),
        chair_count=_chair_count(body.rows),
        schedule_version=0,
    )
    transaction = Transaction()
    transaction.put("hall", hall, condition=Hall.hall_id.does_not_exist())
    venues.hall_joins(transaction, venue_id)
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        if "venue" in cancelled.failed():
            raise Invalid(
                "No such venue", code="UNKNOWN_VENUE", details=field_errors("venue_id", "no such venue")
            ) from None
        raise
    return to_out(hall)


def _rows(rows: list[RowIn]) -> list[HallRow]:
    return [
        HallRow(
            label=row.label,
            seats=row.seats,
            gaps=row.gaps,
            price_class=row.price_class,
            accessible=row.accessible or None,
            companion=row.companion or None,
        )
        for row in rows
    ]


def _chair_count(rows: list[RowIn]) -> int:
    return sum(row.seats - len(row.gaps) for row in rows)


def update(hall_id: str, body: HallUpdateIn) -> HallOut:
    """Rename, or lay out anew. Screenings copy their chairs when created, so a new layout applies to those
    created afterwards; it also moves the hall's schedule version, so a creation under way reads it again."""
    hall = get_or_404(Hall, hall_id, "hall")
    actions: list[Action] = []
    if body.name is not None:
        actions += [Hall.name.set(body.name), Hall.name_key.set(name_key(body.name, hall_id))]
    if body.rows is not None:
        actions += [
            Hall.rows.set(_rows(body.rows)),
            Hall.chair_count.set(_chair_count(body.rows)),
            Hall.schedule_version.set(int(hall.schedule_version) + 1),
        ]
    try:
        hall.update(actions=actions, condition=Hall.schedule_version == hall.schedule_version)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise Conflict("The hall changed meanwhile; read it again", code="CONCURRENT_UPDATE") from None
    return to_out(hall)


def delete(hall_id: str) -> None:
    """Only a hall with no screening still to come; one created meanwhile moves the schedule version."""
    hall = get_or_404(Hall, hall_id, "hall")
    latest = next(iter(Screening.by_hall.query(hall_id, scan_index_forward=False, limit=1)), None)
    if latest is not None and int(latest.ends_at) > now_epoch():
        raise Conflict(
            "The hall has screenings still to come",
            code="HALL_IN_USE",
            details={"screening_id": latest.screening_id},
        )
    transaction = Transaction()
    transaction.delete("hall", hall, condition=Hall.schedule_version == hall.schedule_version)
    if hall.venue_id:  # a hall older than venues (not yet migrated) was never counted by one
        venues.hall_leaves(transaction, hall.venue_id)
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        if "hall" in cancelled.failed() or cancelled.retryable:
            raise Conflict("The hall's schedule changed meanwhile; try again", code="CONCURRENT_UPDATE") from None
        raise


def get(hall_id: str) -> HallOut:
    return to_out(get_or_404(Hall, hall_id, "hall"))


def list_page(limit: int, cursor: str | None) -> Page[HallOut]:
    halls, next_cursor = query_page(Hall, Hall.by_name, "HALL", limit=limit, cursor=cursor)
    return Page[HallOut](items=[to_out(hall) for hall in halls], next_cursor=next_cursor)
