"""Chairs of a screening: made from the hall's layout, added later by staff, and read as a seat map.

A chair's price is its row's class price on the screening (or the
screening's base price), so an order's amount is known from the screening
alone, without reading the chairs.
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.expressions.condition import Condition

from boxoffice.clock import now_epoch
from boxoffice.errors import Conflict
from boxoffice.models.base import Transaction, TransactionCancelled, get_or_404, plain
from boxoffice.models.catalog import Hall, HallRow, Screening
from boxoffice.models.chairs import AVAILABLE, CHAIR_ID, HELD, SOLD, Chair, seat_key
from boxoffice.pagination import query_page

# Chairs are created 100 to a TransactWriteItems (its limit), each conditional on not existing.
BATCH = 100


def row_of(chair_id: str) -> str:
    match = CHAIR_ID.match(chair_id)
    if not match:
        raise ValueError(f"not a chair id: {chair_id!r}")
    return match.group(1)


def price_class_of(screening: Screening, row: str) -> str | None:
    return plain(screening.row_classes).get(row)


def price_of(screening: Screening, row: str) -> int:
    price_class = price_class_of(screening, row)
    classes = plain(screening.price_classes)
    return int(classes[price_class]) if price_class in classes else int(screening.price_cents)


def new_chair(screening: Screening, chair_id: str, features: list[str] | None = None) -> Chair:
    row = row_of(chair_id)
    return Chair(
        screening_id=screening.screening_id,
        seat=seat_key(chair_id),
        chair_id=chair_id,
        row=row,
        number=int(chair_id.split("-")[1]),
        price_cents=price_of(screening, row),
        currency=screening.currency,
        price_class=price_class_of(screening, row),
        features=features or None,
    )


def _features(row: HallRow, number: int) -> list[str]:
    return [
        name
        for name, seats in (("accessible", row.accessible), ("companion", row.companion))
        if number in (seats or [])
    ]


def chairs_from_layout(screening: Screening, hall: Hall) -> list[Chair]:
    return [
        new_chair(screening, f"{row.label}-{number}", _features(row, number))
        for row in hall.rows
        for number in range(1, int(row.seats) + 1)
        if number not in {int(gap) for gap in row.gaps}
    ]


def _batches(chairs: list[Chair]) -> Iterable[list[Chair]]:
    for start in range(0, len(chairs), BATCH):
        yield chairs[start : start + BATCH]


def create_missing(chairs: list[Chair]) -> int:
    """Create the chairs that do not exist yet; never overwrite one (it may be held or sold).

    Safe to run again and again, and concurrently: a chair that exists makes its
    transaction refuse, and the batch is retried without it.
    """
    created = 0
    for batch in _batches(chairs):
        pending = {chair.seat: chair for chair in batch}
        while pending:
            transaction = Transaction()
            for seat, chair in pending.items():
                transaction.put(seat, chair, condition=Chair.seat.does_not_exist())
            try:
                transaction.commit()
            except TransactionCancelled as cancelled:
                existing = set(cancelled.failed())
                if not existing:
                    raise
                pending = {seat: chair for seat, chair in pending.items() if seat not in existing}
                continue
            created += len(pending)
            pending = {}
    return created


def add(screening_id: str, chair_ids: list[str]) -> list[Chair]:
    """Add chairs to a screening, all or none; an existing chair is a 409 naming it."""
    screening = get_or_404(Screening, screening_id, "screening")
    chairs = [new_chair(screening, chair_id) for chair_id in chair_ids]
    transaction = Transaction()
    for chair in chairs:
        transaction.put(chair.seat, chair, condition=Chair.seat.does_not_exist())
    transaction.update(
        "screening", screening, [Screening.chair_count.add(len(chairs))], condition=Screening.screening_id.exists()
    )
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        existing = sorted(chair.chair_id for chair in chairs if chair.seat in cancelled.failed())
        if existing:
            raise Conflict("These chairs already exist", code="CHAIR_EXISTS", details={"chairs": existing}) from None
        raise
    return chairs


def _status_filter(status: str | None, now: int) -> Condition | None:
    free = Chair.hold_expires_at.does_not_exist() | (Chair.hold_expires_at <= now)
    if status == AVAILABLE:
        return Chair.sold_order_id.does_not_exist() & free
    if status == HELD:
        return Chair.sold_order_id.does_not_exist() & (Chair.hold_expires_at > now)
    if status == SOLD:
        return Chair.sold_order_id.exists()
    return None


def seat_map(screening_id: str, status: str | None, limit: int, cursor: str | None) -> tuple[list[Chair], str | None]:
    """Up to `limit` chairs of the screening in seat order (with `status`, up to `limit` that have it now).

    Only an empty first page costs another read, to tell "no such screening" (404)
    from "no chair matches".
    """
    now = now_epoch()
    chairs, next_cursor = query_page(
        Chair,
        None,
        screening_id,
        limit=limit,
        cursor=cursor,
        filter_condition=_status_filter(status, now),
        # Eventually consistent (half the read units): a seat map a moment old is harmless, since every hold
        # is a conditional write that a chair taken meanwhile refuses.
        consistent_read=False,
    )
    if not chairs and not cursor and not next_cursor:
        get_or_404(Screening, screening_id, "screening")
    return chairs, next_cursor


def orders_on(screening_id: str) -> set[str]:
    """The orders holding or owning a chair of the screening, read from the chairs (strongly consistent). A lapsed
    hold counts until the sweeper has taken it off its chairs (within a minute): it still names its chairs."""
    return set().union(*(chair.order_ids() for chair in Chair.query(screening_id, consistent_read=True)))


def remove_free(chairs: list[Chair]) -> list[Chair]:
    """Delete the chairs no order names, 100 to a transaction; the others are answered, left in place."""
    taken: list[Chair] = []
    for batch in _batches(chairs):
        pending = {chair.seat: chair for chair in batch}
        while pending:
            transaction = Transaction()
            for seat, chair in pending.items():
                untouched = Chair.seat.exists() & Chair.sold_order_id.does_not_exist()
                transaction.delete(seat, chair, condition=untouched & Chair.hold_order_id.does_not_exist())
            try:
                transaction.commit()
                pending = {}
            except TransactionCancelled as cancelled:
                busy = set(cancelled.failed())
                if not busy:
                    raise
                taken += [pending.pop(seat) for seat in busy]
    return taken
