"""Orders (a hold, then a sale) and each user's live-holds quota.

An order is HELD until its `expires_at` (epoch seconds, the table's TTL
attribute), then PAID, CANCELLED, EXPIRED or REFUNDED. While HELD it also
carries `hold_shard`, which puts it in the sparse `by_expiry` index the sweeper
reads; every other state removes it. Paying removes `expires_at` too, so
DynamoDB's TTL only ever deletes orders that never sold.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
)
from pynamodb.models import Model

from boxoffice.models.base import BaseMeta, IntegerAttribute, StampedModel, TableName, index, list_of, plain
from boxoffice.venues.tax import Line, Rate, default_rate

HELD, PAID, CANCELLED, EXPIRED, REFUNDED = "HELD", "PAID", "CANCELLED", "EXPIRED", "REFUNDED"
STATUSES = (HELD, PAID, CANCELLED, EXPIRED, REFUNDED)
SWEEP_SHARDS = 4  # HELD orders spread over a few index partitions, so no one partition is hot


def hold_shard(order_id: str) -> str:
    return f"HELD#{zlib.crc32(order_id.encode()) % SWEEP_SHARDS}"


class Ticket(MapAttribute):
    chair = UnicodeAttribute()
    code = UnicodeAttribute()  # boxoffice.booking.tickets: "<order_id>.<index>.<secret>"
    qr = UnicodeAttribute(null=True)  # a JWS of the ticket, signed by the stack's key: verifiable offline
    checked_in_at = IntegerAttribute(null=True)
    checked_in_by = UnicodeAttribute(null=True)  # the username of the door staff who admitted it
    refunded_at = IntegerAttribute(null=True)  # its chair was refunded: the door refuses it


class RefundEntry(MapAttribute):
    """One refund of some of an order's chairs: recorded with the chairs' release, then sent to the provider."""

    key = UnicodeAttribute()  # the provider's idempotency key
    chairs = list_of(UnicodeAttribute)
    amount_cents = IntegerAttribute()
    at = IntegerAttribute()
    refund_id = UnicodeAttribute(null=True)  # set once the provider refunded


class Order(StampedModel):
    class Meta(BaseMeta):
        table_name = TableName("orders")

    order_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()  # who placed it (a customer, or staff selling at the box office)
    username = UnicodeAttribute()
    member_id = UnicodeAttribute(null=True)  # box office sale: the member it was sold to
    quota_user_id = UnicodeAttribute(null=True)  # whose live-holds quota it counts against, if anyone's
    # The gauges of boxoffice.limits its chairs count on while it is held (given back when the hold ends).
    limit_counters = list_of(UnicodeAttribute, null=True)
    screening_id = UnicodeAttribute()
    movie_id = UnicodeAttribute()
    movie_name = UnicodeAttribute()
    hall_name = UnicodeAttribute()
    # The screening's venue and time zone, copied when held; absent on orders older than venues (the default's).
    venue_id = UnicodeAttribute(null=True)
    timezone = UnicodeAttribute(null=True)
    # The venue's tax rate when held (included in every price: boxoffice.venues.tax); absent on older orders.
    tax_code = UnicodeAttribute(null=True)
    tax_percent = UnicodeAttribute(null=True)  # a decimal string, e.g. "7"
    starts_at = IntegerAttribute()
    chairs = list_of(UnicodeAttribute)  # chair ids, e.g. ["A-7", "A-8"]
    amount_cents = IntegerAttribute()
    # What each chair cost when held (a later price change never moves a refund); absent on older orders.
    chair_prices: MapAttribute[str, int] = MapAttribute(null=True)
    currency = UnicodeAttribute()
    status = UnicodeAttribute()
    confirmation_id = UnicodeAttribute()
    request_fingerprint = UnicodeAttribute()  # what was asked, to recognise a retried request
    expires_at = IntegerAttribute(null=True)  # TTL
    hold_shard = UnicodeAttribute(null=True)
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()
    # payment (boxoffice.payments)
    payment_attempt = UnicodeAttribute(null=True)  # the Idempotency-Key of the payment under way
    payment_attempt_until = IntegerAttribute(null=True)
    charge_id = UnicodeAttribute(null=True)
    charge_key = UnicodeAttribute(null=True)  # the provider idempotency key the charge was made with
    payment_method = UnicodeAttribute(null=True)
    sold_by = UnicodeAttribute(null=True)  # the staff member who sold it at the box office (their till)
    tickets = ListAttribute[Ticket](of=Ticket, null=True)
    paid_at = IntegerAttribute(null=True)
    cancelled_at = IntegerAttribute(null=True)
    expired_at = IntegerAttribute(null=True)
    refunded_at = IntegerAttribute(null=True)
    refund_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)  # why it was cancelled or refunded, when not by its buyer
    # Partial refunds (POST /orders/{id}/refund {"chairs": [...]}); the order is REFUNDED once every chair is.
    refunded_chairs = list_of(UnicodeAttribute, null=True)
    refunded_cents = IntegerAttribute(null=True)
    refunds = ListAttribute[RefundEntry](of=RefundEntry, null=True)

    # Every index projects only what never changes once the order is written, so paying, refunding or
    # checking in writes no index; listings fetch the orders themselves (models.base.hydrate).
    by_user = index(
        "by_user",
        ("user_id", UnicodeAttribute),
        ("created_at", IntegerAttribute),
        include=("screening_id", "member_id"),
    )
    by_screening = index(
        "by_screening", ("screening_id", UnicodeAttribute), ("created_at", IntegerAttribute), include=()
    )
    # sparse: only HELD orders have a hold_shard (entered at the hold, left at the end of it)
    by_expiry = index("by_expiry", ("hold_shard", UnicodeAttribute), ("expires_at", IntegerAttribute), include=())
    # sparse: only box office sales to a member have a member_id
    by_member = index(
        "by_member", ("member_id", UnicodeAttribute), ("created_at", IntegerAttribute), include=("screening_id",)
    )

    def price_of_chair(self, chair: str) -> int:
        """What `chair` cost in this order; an older order (no recorded prices) splits its amount evenly."""
        if self.chair_prices is not None:
            return int(plain(self.chair_prices)[chair])
        share, rest = divmod(int(self.amount_cents), len(self.chairs))
        return share + (rest if chair == self.chairs[-1] else 0)

    def tax_rate(self) -> Rate:
        """The rate its prices include; an order older than venues: the default venue's, as the stack made it."""
        if self.tax_code is not None and self.tax_percent is not None:
            return Rate(self.tax_code, Decimal(self.tax_percent))
        return default_rate()

    def lines(self, chairs: Iterable[str] | None = None) -> list[Line]:
        """Each chair's money (of `chairs`, or of every chair), with its tax."""
        rate = self.tax_rate()
        return [Line(chair, self.price_of_chair(chair), rate) for chair in (self.chairs if chairs is None else chairs)]

    def status_now(self, now: int) -> str:
        """The status a reader sees: a HELD order past its expiry is EXPIRED, swept or not."""
        if self.status == HELD and (self.expires_at or 0) <= now:
            return EXPIRED
        return self.status


class HoldQuota(Model):
    """A user's live holds, so "at most N held chairs" is checked inside the hold's own transaction.

    A hold reads it, counts the entries that have not expired, and commits only
    if `version` is still what it read; cancelling, paying and sweeping remove
    their order's entry. Expired entries are dropped by the next hold.
    """

    class Meta(BaseMeta):
        table_name = TableName("hold_quotas")

    user_id = UnicodeAttribute(hash_key=True)
    holds: MapAttribute[str, Any] = MapAttribute(default=dict)  # order_id -> {"chairs": n, "expires_at": epoch}
    version = IntegerAttribute(default=0)
    # Holds placed in the current minute (a rate limit on placing holds).
    window_start = IntegerAttribute(default=0)
    window_holds = IntegerAttribute(default=0)

    def entries(self) -> dict[str, dict[str, int]]:
        return {
            order_id: {"chairs": int(entry["chairs"]), "expires_at": int(entry["expires_at"])}
            for order_id, entry in plain(self.holds).items()
        }

    def live_chairs(self, now: int) -> int:
        return sum(entry["chairs"] for entry in self.entries().values() if entry["expires_at"] > now)

    def expired_orders(self, now: int) -> list[str]:
        return [order_id for order_id, entry in self.entries().items() if entry["expires_at"] <= now]

    def earliest_expiry(self, now: int) -> int | None:
        live = [entry["expires_at"] for entry in self.entries().values() if entry["expires_at"] > now]
        return min(live) if live else None
