"""The box office: sales paid at the counter (cash, card present) and the day's till per staff member."""

from __future__ import annotations

from datetime import date

from boxoffice.models.base import Transaction
from boxoffice.models.till import TillLine, line_key, method_label, till_day
from boxoffice.models.venues import DEFAULT_VENUE_ID
from boxoffice.payments.schemas import TillOut, TillTotal
from boxoffice.venues import store as venues
from boxoffice.venues.local_time import business_day


def count(
    transaction: Transaction,
    *,
    at: int,
    venue_id: str | None,
    staff_id: str,
    username: str,
    method: str,
    currency: str,
    sales_cents: int = 0,
    refunds_cents: int = 0,
) -> None:
    """Add a sale or a refund to its till line, in the transaction that makes the sale or the refund: the line of
    the venue's business day it happens in (a sale at 01:30 belongs to the day before when the day starts at 05:00)."""
    method = method_label(method)
    venue = venues.facts_of(venue_id)
    day = business_day(at, venue.timezone, venue.business_day_starts)
    line = TillLine(till_day(venue.venue_id, day), line_key(staff_id, method, currency))
    transaction.update(
        "till",
        line,
        [
            TillLine.staff_id.set(staff_id),
            TillLine.username.set(username),
            TillLine.method.set(method),
            TillLine.currency.set(currency),
            TillLine.sales_cents.set((TillLine.sales_cents | 0) + sales_cents),
            TillLine.refunds_cents.set((TillLine.refunds_cents | 0) + refunds_cents),
        ],
    )


def till(day: date, staff_id: str | None, venue_id: str | None = None) -> TillOut:
    """One Query: the venue's business day's lines (one staff member's, if asked), each with its net."""
    venue_id = venue_id or DEFAULT_VENUE_ID
    condition = TillLine.line.startswith(f"{staff_id}#") if staff_id else None
    lines = TillLine.query(till_day(venue_id, day), range_key_condition=condition, consistent_read=True)
    totals = [
        TillTotal(
            staff_id=line.staff_id,
            username=line.username,
            method=line.method,
            currency=line.currency,
            sales_cents=int(line.sales_cents),
            refunds_cents=int(line.refunds_cents),
            net_cents=int(line.sales_cents) - int(line.refunds_cents),
        )
        for line in lines
    ]
    return TillOut(venue_id=venue_id, date=day.isoformat(), totals=totals)
