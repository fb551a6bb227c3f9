"""One item per chair of a screening: its place, its price, and who holds or bought it.

A chair is SOLD when `sold_order_id` is set, HELD when `hold_order_id` is set
and `hold_expires_at` is still ahead, and AVAILABLE otherwise: an expired hold
is absent for every reader and every conditional write, whatever is left of
it on the item until the sweeper clears it.
"""

from __future__ import annotations

import re

from pynamodb.attributes import UnicodeAttribute
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from boxoffice.models.base import BaseMeta, IntegerAttribute, TableName, list_of

# Rows are lettered (A, B, ..., AA) or numbered (1, 2, ...; the first seed system numbered them).
CHAIR_ID = re.compile(r"^([A-Z]{1,3}|[1-9][0-9]{0,2})-([1-9][0-9]{0,2})$")
AVAILABLE, HELD, SOLD = "AVAILABLE", "HELD", "SOLD"


def seat_key(chair_id: str) -> str:
    """The sort key of a chair: rows A..Z before AA.., seats in numeric order ("A-7" -> "1A#007")."""
    match = CHAIR_ID.match(chair_id)
    if not match:
        raise ValueError(f"not a chair id: {chair_id!r}")
    row, number = match.groups()
    return f"{len(row)}{row}#{int(number):03d}"


class Chair(Model):
    class Meta(BaseMeta):
        table_name = TableName("chairs")

    screening_id = UnicodeAttribute(hash_key=True)
    seat = UnicodeAttribute(range_key=True)
    chair_id = UnicodeAttribute()
    row = UnicodeAttribute()
    number = IntegerAttribute()
    price_cents = IntegerAttribute()
    currency = UnicodeAttribute()
    price_class = UnicodeAttribute(null=True)
    features = list_of(UnicodeAttribute, null=True)  # "accessible" (a wheelchair space), "companion"
    hold_order_id = UnicodeAttribute(null=True)
    hold_user_id = UnicodeAttribute(null=True)
    hold_expires_at = IntegerAttribute(null=True)
    sold_order_id = UnicodeAttribute(null=True)

    def status(self, now: int) -> str:
        if self.sold_order_id:
            return SOLD
        if self.hold_order_id and (self.hold_expires_at or 0) > now:
            return HELD
        return AVAILABLE

    def order_ids(self) -> set[str]:
        """The orders that name this chair: its hold (live or lapsed, until swept) and its sale."""
        return {order_id for order_id in (self.hold_order_id, self.sold_order_id) if order_id}

    @staticmethod
    def free(now: int) -> Condition:
        """The chair exists, is not sold, and carries no live hold."""
        return (
            Chair.seat.exists()
            & Chair.sold_order_id.does_not_exist()
            & (Chair.hold_expires_at.does_not_exist() | (Chair.hold_expires_at <= now))
        )

    @staticmethod
    def held_by(order_id: str, now: int) -> Condition:
        """The chair carries a live hold of this order."""
        return (Chair.hold_order_id == order_id) & (Chair.hold_expires_at > now)
