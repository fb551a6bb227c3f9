"""Request bodies of payments."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from boxoffice.booking.schemas import ChairId
from boxoffice.schemas import Body, Out


class PaymentIn(Body):
    confirmation_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        description="The confirmation id the hold answered with"
    )
    payment_method: Annotated[str, StringConstraints(pattern=r"^(tok_[A-Za-z0-9_]{1,64}|cash|card_present)$")] = Field(
        description=(
            "A payment method token (the built-in provider takes tok_ok, tok_declined, tok_error), or, at the box"
            " office (orders:manage), cash or card_present: paid at the counter, nothing is charged online"
        ),
        examples=["tok_ok"],
    )


class RefundIn(Body):
    chairs: list[ChairId] | None = Field(
        None, min_length=1, max_length=100, description="The chairs to refund; none named refunds every one left"
    )


class TillRateOut(Out):
    """What a till line took at one tax rate, sales less refunds: net_cents + tax_cents = gross_cents."""

    code: str
    percent: float
    net_cents: int
    tax_cents: int
    gross_cents: int


class TillTotal(Out):
    staff_id: str
    username: str
    method: str
    currency: str
    sales_cents: int
    refunds_cents: int
    net_cents: int = Field(description="sales_cents - refunds_cents")
    tax: list[TillRateOut] = Field(default_factory=list, description="net_cents per tax rate: the tax it includes")


class TillOut(Out):
    venue_id: str
    date: str = Field(description="The venue's business day (it starts at the venue's business_day_starts)")
    totals: list[TillTotal]
