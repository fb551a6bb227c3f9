"""The domain events Boxoffice publishes: one `detail-type` each, with a versioned detail schema.

Every detail carries `event_id` (the id of the committed change it comes from:
the same however often the change's stream record is delivered, so consumers
de-duplicate on it), `schema_version`, `occurred_at` and, when a person made
the change, `actor`. docs/events/<DetailType>.v<N>.json is generated from these
models (`make generated`), and the tests check every event produced against it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class ActorDetail(BaseModel):
    user_id: str
    username: str
    address: str = Field(description="The client address the request came from, as API Gateway saw it")


class EventDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(description="The committed change's id: de-duplicate on it")
    schema_version: Literal[1] = 1
    occurred_at: str = Field(description="ISO 8601 UTC")
    actor: ActorDetail | None = Field(default=None, description="Who made the change; absent when the system did")


class TaxDetail(BaseModel):
    code: str
    percent: str = Field(description='A decimal, e.g. "7" or "7.7"')
    net_cents: int
    tax_cents: int
    gross_cents: int = Field(description="net_cents + tax_cents")


class OrderDetail(EventDetail):
    order_id: str
    user_id: str = Field(description="Who placed the order (a customer, or staff at the box office)")
    member_id: str | None = Field(default=None, description="The member a box office sale was made to")
    screening_id: str
    movie_id: str
    venue_id: str = Field("main", description="The screening's venue")
    starts_at: str
    status: str = Field(description="The order's status after the change")
    from_status: str | None = Field(default=None, description="Its status before the change")
    chairs: list[str] = Field(description="The chairs this change is about (a partial refund: the refunded ones)")
    seats: int = Field(description="How many chairs this change is about")
    amount_cents: int = Field(description="The money this change is about: the order's, or the refunded part")
    currency: str
    tax: list[TaxDetail] = Field(
        default_factory=list, description="amount_cents per tax rate: the tax its chairs' prices include"
    )
    payment_method: str | None = None
    sold_by: str | None = Field(default=None, description="The staff member who sold it at the box office")
    reason: str | None = None


class TicketDetail(EventDetail):
    order_id: str
    screening_id: str
    movie_id: str
    chair: str
    checked_in_by: str | None = None


class ScreeningDetail(EventDetail):
    screening_id: str
    movie_id: str
    hall_id: str
    starts_at: str
    previous_starts_at: str | None = None
    previous_hall_id: str | None = None
    price_cents: int
    currency: str
    capacity: int = Field(description="Its chairs")
    status: str
    reason: str | None = None


class UserDetail(EventDetail):
    user_id: str
    username: str
    account_type: str | None = None
    permissions: list[str] | None = None
    previous_permissions: list[str] | None = None


class CatalogDetail(EventDetail):
    entity: Literal["movie", "member", "hall", "subscription", "venue"]
    id: str
    name: str | None = Field(default=None, description="A movie's, member's, hall's or venue's name")
    member_id: str | None = None
    movie_id: str | None = None
    date: str | None = Field(default=None, description="A subscription's date")


# detail-type -> the model of its detail
KINDS: dict[str, type[EventDetail]] = {
    **dict.fromkeys(
        [
            "OrderHeld",
            "OrderPaid",
            "OrderCancelled",
            "OrderExpired",
            "OrderRefunded",
            "OrderPartlyRefunded",
        ],
        OrderDetail,
    ),
    "TicketCheckedIn": TicketDetail,
    **dict.fromkeys(
        ["ScreeningCreated", "ScreeningUpdated", "ScreeningRescheduled", "ScreeningCancelled", "ScreeningDeleted"],
        ScreeningDetail,
    ),
    **dict.fromkeys(
        [
            "UserCreated",
            "UserUpdated",
            "UserPermissionsChanged",
            "UserDisabled",
            "UserEnabled",
            "UserSessionsEnded",
            "UserSignedIn",
            "UserSignedUp",
            "UserUnlocked",
            "UserDeleted",
        ],
        UserDetail,
    ),
    **{
        f"{entity}{change}": CatalogDetail
        for entity in ("Movie", "Member", "Hall", "Venue")
        for change in ("Created", "Updated", "Deleted")
    },
    "SubscriptionCreated": CatalogDetail,
    "SubscriptionDeleted": CatalogDetail,
}
DETAIL_TYPES = tuple(sorted(KINDS))
