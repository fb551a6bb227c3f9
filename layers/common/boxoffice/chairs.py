"""Chairs of a screening: made from the hall's layout, added later by staff, and read as a seat map."""

from __future__ import annotations

from collections.abc import Iterable

from boxoffice.errors import Conflict
from boxoffice.models.base import Transaction, TransactionCancelled
from boxoffice.models.catalog import Hall, Screening
from boxoffice.models.chairs import Chair, seat_key

# Chairs are created 100 to a TransactWriteItems (its limit), each conditional on not existing.
BATCH = 100


def chairs_from_layout(screening_id: str, hall: Hall, price_cents: int, price_classes: dict[str, int]) -> list[Chair]:
    chairs = []
    for row in hall.rows:
        gaps = {int(gap) for gap in row.gaps}
        price = price_classes.get(row.price_class, price_cents) if row.price_class else price_cents
        for number in range(1, int(row.seats) + 1):
            if number not in gaps:
                chair_id = f"{row.label}-{number}"
                chairs.append(Chair(
                    screening_id=screening_id, seat=seat_key(chair_id), chair_id=chair_id, row=row.label,
                    number=number, price_cents=price, price_class=row.price_class,
                ))
    return chairs


def _batches(chairs: list[Chair]) -> Iterable[list[Chair]]:
    for start in range(0, len(chairs), BATCH):
        yield chairs[start:start + BATCH]


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


def add(screening: Screening, chairs: list[Chair]) -> None:
    """Add chairs to a screening, all or none; an existing chair is a 409 naming it."""
    transaction = Transaction()
    for chair in chairs:
        transaction.put(chair.seat, chair, condition=Chair.seat.does_not_exist())
    transaction.update("screening", screening, [Screening.chair_count.add(len(chairs))],
                       condition=Screening.screening_id.exists())
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        existing = sorted(chair.chair_id for chair in chairs if chair.seat in cancelled.failed())
        if existing:
            raise Conflict("These chairs already exist", code="CHAIR_EXISTS", details={"chairs": existing}) from None
        raise
