"""An order as the API answers it: its seats, their prices and the tax they include, its tickets, in the venue's
local time."""

from __future__ import annotations

from boxoffice.booking.schemas import OrderLineOut, OrderOut, TaxOut, TicketOut
from boxoffice.booking.tickets import ticket_qr
from boxoffice.clock import iso, now_epoch
from boxoffice.models.orders import HELD, Order
from boxoffice.venues.local_time import local_iso, venue_and_zone
from boxoffice.venues.tax import Line, by_rate


def to_out(order: Order, now: int | None = None) -> OrderOut:
    now = now_epoch() if now is None else now
    status = order.status_now(now)
    venue_id, timezone = venue_and_zone(order.venue_id, order.timezone)
    lines = order.lines()
    return OrderOut(
        order_id=order.order_id,
        status=status,
        confirmation_id=order.confirmation_id,
        screening_id=order.screening_id,
        movie_name=order.movie_name,
        hall_name=order.hall_name,
        venue_id=venue_id,
        starts_at=iso(order.starts_at),
        starts_at_local=local_iso(int(order.starts_at), timezone),
        timezone=timezone,
        chairs=list(order.chairs),
        amount_cents=int(order.amount_cents),
        currency=order.currency,
        expires_at=iso(order.expires_at) if status == HELD and order.expires_at else None,
        user_id=order.user_id,
        member_id=order.member_id,
        created_at=iso(order.created_at),
        updated_at=iso(order.updated_at),
        tickets=[
            TicketOut(
                chair=ticket.chair,
                code=ticket.code,
                qr=ticket.qr or ticket_qr(order, index),  # stored only on orders paid before the ticket key
                checked_in_at=iso(ticket.checked_in_at) if ticket.checked_in_at else None,
                refunded_at=iso(ticket.refunded_at) if ticket.refunded_at else None,
            )
            for index, ticket in enumerate(order.tickets)
        ]
        if order.tickets
        else None,
        paid_at=iso(order.paid_at) if order.paid_at else None,
        cancelled_at=iso(order.cancelled_at) if order.cancelled_at else None,
        refunded_at=iso(order.refunded_at) if order.refunded_at else None,
        refunded_chairs=list(order.refunded_chairs or []),
        reason=order.reason,
        refunded_cents=int(order.refunded_cents or 0),
        chair_prices={chair: order.price_of_chair(chair) for chair in order.chairs},
        lines=[
            OrderLineOut(
                chair=line.chair,
                price_cents=line.gross_cents,
                tax_code=line.rate.code,
                tax_percent=float(line.rate.percent),
                net_cents=line.net_cents,
                tax_cents=line.tax_cents,
            )
            for line in lines
        ],
        tax=tax_out(lines),
        refunded_tax=tax_out(order.lines(order.refunded_chairs or [])),
    )


def tax_out(lines: list[Line]) -> list[TaxOut]:
    return [
        TaxOut(
            code=total.code,
            percent=float(total.percent),
            net_cents=total.net_cents,
            tax_cents=total.tax_cents,
            gross_cents=total.gross_cents,
        )
        for total in by_rate(lines)
    ]
