"""Request and response bodies of chairs and orders."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from boxoffice.models.chairs import AVAILABLE, HELD, SOLD
from boxoffice.models.orders import STATUSES
from boxoffice.schemas import Body, OpaqueId, Out
from boxoffice.settings import get_settings

ChairId = Annotated[
    str,
    StringConstraints(pattern=r"^([A-Z]{1,3}|[1-9][0-9]{0,2})-[1-9][0-9]{0,2}$"),
    Field(description='Row and seat, e.g. "A-7" or "12-7"'),
]
# Literals of the models' own constants (one spelling of each status); a type checker wants literal text.
ChairStatus = Literal[AVAILABLE, HELD, SOLD]  # type: ignore[valid-type]  # see above
OrderStatus = Literal[STATUSES]  # type: ignore[valid-type]  # see above
IdempotencyKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{8,128}$")]


class HoldIn(Body):
    screening_id: OpaqueId
    chairs: list[ChairId] = Field(min_length=1, description="1 to MaxChairsPerOrder distinct chairs")
    member_id: OpaqueId | None = Field(None, description="Box office sale (orders:manage): the member it is for")

    @field_validator("chairs")
    @classmethod
    def _distinct_and_few(cls, chairs: list[str]) -> list[str]:
        if len(set(chairs)) != len(chairs):
            raise ValueError("a chair may appear only once")
        most = get_settings().max_chairs_per_order
        if len(chairs) > most:
            raise ValueError(f"at most {most} chairs in one order")
        return chairs


class AddChairsIn(Body):
    chairs: list[ChairId] = Field(min_length=1, max_length=100)

    @field_validator("chairs")
    @classmethod
    def _distinct(cls, chairs: list[str]) -> list[str]:
        if len(set(chairs)) != len(chairs):
            raise ValueError("a chair may appear only once")
        return chairs


class ChairOut(Out):
    chair_id: str
    row: str
    number: int
    price_cents: int
    currency: str
    price_class: str | None
    features: list[str] = Field(default_factory=list, description='"accessible" (wheelchair space), "companion"')
    status: ChairStatus

    @classmethod
    def of(cls, chair: Any, status: str) -> ChairOut:
        """A chair of boxoffice.models.chairs as the seat map shows it, in the given status."""
        return cls(
            chair_id=chair.chair_id,
            row=chair.row,
            number=int(chair.number),
            price_cents=int(chair.price_cents),
            currency=chair.currency,
            price_class=chair.price_class,
            features=list(chair.features or []),
            status=status,
        )


class TicketOut(Out):
    chair: str
    code: str = Field(description="What the door scans (POST /tickets/{code}/check-in)")
    qr: str | None = Field(
        None,
        description="The ticket as a compact JWS (ES256, the same on every read), verifiable offline with "
        "/.well-known/jwks.json",
    )
    checked_in_at: str | None = None
    refunded_at: str | None = Field(None, description="Its chair was refunded; the ticket no longer admits")


# Shape is checked by boxoffice.booking.tickets (anything else is an unknown ticket: 404); length is bounded here.
TicketCode = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class CheckInIn(Body):
    screening_id: OpaqueId = Field(description="The screening the door admits to")


class CheckInOut(Out):
    chair: str
    order_id: str
    checked_in_at: str


class AttendanceOut(Out):
    screening_id: str
    sold: int = Field(description="Tickets sold and not refunded")
    checked_in: int
    to_come: int


class OrderLineOut(Out):
    """One seat's money: its gross price, and the tax it includes (net_cents + tax_cents = price_cents)."""

    chair: str
    price_cents: int
    tax_code: str
    tax_percent: float
    net_cents: int
    tax_cents: int


class TaxOut(Out):
    """Lines summed per tax rate: net_cents + tax_cents = gross_cents, exactly."""

    code: str
    percent: float
    net_cents: int
    tax_cents: int
    gross_cents: int


class OrderOut(Out):
    order_id: str
    status: OrderStatus
    confirmation_id: str = Field(description="Proof of the hold; pay with it")
    screening_id: str
    movie_name: str
    hall_name: str
    venue_id: str
    starts_at: str = Field(description="The screening's start, UTC with a Z")
    starts_at_local: str = Field(description="The same in the venue's local time, with its offset")
    timezone: str = Field(description="The venue's IANA time zone")
    chairs: list[str]
    amount_cents: int
    currency: str
    expires_at: str | None = Field(description="When an unpaid hold lapses")
    user_id: str
    member_id: str | None
    created_at: str
    updated_at: str
    tickets: list[TicketOut] | None = None
    paid_at: str | None = None
    cancelled_at: str | None = None
    refunded_at: str | None = None
    refunded_chairs: list[str] = Field(default_factory=list, description="Chairs refunded so far")
    reason: str | None = Field(None, description="SCREENING_CANCELLED when the cinema cancelled the screening")
    refunded_cents: int = Field(0, description="Money returned so far; amount_cents - refunded_cents was kept")
    chair_prices: dict[str, int] = Field(
        default_factory=dict, description="What each chair cost in this order (minor units); they sum to amount_cents"
    )
    lines: list[OrderLineOut] = Field(default_factory=list, description="Each chair's price and the tax it includes")
    tax: list[TaxOut] = Field(
        default_factory=list, description="The lines per tax rate; gross_cents sum to amount_cents"
    )
    refunded_tax: list[TaxOut] = Field(
        default_factory=list, description="The refunded lines per tax rate; gross_cents sum to refunded_cents"
    )
