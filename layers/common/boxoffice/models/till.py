"""The box office till: what each staff member took and gave back per day, payment method and currency.

Every box office sale and every refund of one adds to its till line inside the
sale's (or the refund's) own transaction, so the till is exact: counted once,
never without the sale, never the sale without it. Days are the venue's business days (boxoffice.venues).
"""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from boxoffice.models.base import BaseMeta, IntegerAttribute, TableName

CASH, CARD_PRESENT = "cash", "card_present"
BOX_OFFICE_METHODS = (CASH, CARD_PRESENT)  # paid at the counter: nothing for the payment provider to do


def method_label(payment_method: str | None) -> str:
    """How the till and the reports name a payment method: as it is at the counter; anything the provider charged
    (a token, a saved card's id: one per customer) is "card_online"."""
    return payment_method if payment_method in BOX_OFFICE_METHODS else "card_online"


def till_day(venue_id: str, day: date) -> str:
    """A till's partition: one venue's business day."""
    return f"{venue_id}#{day.isoformat()}"


def line_key(staff_id: str, method: str, currency: str) -> str:
    return f"{staff_id}#{method}#{currency}"


class TillLine(Model):
    class Meta(BaseMeta):
        table_name = TableName("till")

    day = UnicodeAttribute(hash_key=True)  # venue_id#YYYY-MM-DD: the venue's business day (till_day)
    line = UnicodeAttribute(range_key=True)  # staff_id#method#currency
    staff_id = UnicodeAttribute()
    username = UnicodeAttribute()
    method = UnicodeAttribute()
    currency = UnicodeAttribute()
    sales_cents = IntegerAttribute(default=0)
    refunds_cents = IntegerAttribute(default=0)
