"""Request and response bodies of the audit log, reports, webhooks and recommendations."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from boxoffice.events.kinds import DETAIL_TYPES
from boxoffice.schemas import Body, Out

Money = dict[str, int]


class AuditEntryOut(Out):
    event_id: str
    at: str
    action: str = Field(description="What happened: the event's detail-type")
    actor: dict[str, str] = Field(description="user_id, username and address of who did it")
    target: dict[str, str] = Field(description="type and id of what it was done to")
    detail: dict[str, Any] = Field(description="The event's detail")


class ScreeningReportOut(Out):
    screening_id: str
    movie_id: str
    venue_id: str
    starts_at: str
    starts_at_local: str = Field(description="The venue's local time, with its offset")
    timezone: str
    status: str
    sold: int = Field(description="Seats sold and not refunded")
    held: int = Field(description="Seats held now")
    refunded: int = Field(description="Seats refunded")
    checked_in: int = Field(description="Tickets admitted at the door")
    capacity: int
    occupancy: float = Field(description="sold / capacity")
    revenue: Money = Field(description="Net of refunds, cents by currency")


class MovieTotalsOut(Out):
    sold: int
    held: int
    refunded: int
    checked_in: int
    capacity: int
    occupancy: float
    revenue: Money


class MovieReportOut(Out):
    movie_id: str
    from_date: str
    to_date: str
    totals: MovieTotalsOut
    screenings: list[ScreeningReportOut]


class RateTotalOut(Out):
    code: str
    percent: float
    currency: str
    net_cents: int
    tax_cents: int
    gross_cents: int = Field(description="net_cents + tax_cents")


class DayOut(Out):
    date: str = Field(description="The venue's business day")
    tickets: int = Field(description="Seats sold that day")
    orders: int
    revenue: Money = Field(description="Sales that day, cents by currency (refunds not deducted)")
    refunded_tickets: int
    refunds: Money = Field(description="Refunded that day, cents by currency")
    by_payment_method: dict[str, Money]
    tax: list[RateTotalOut] = Field(default_factory=list, description="Sales per tax rate and currency")
    refunded_tax: list[RateTotalOut] = Field(default_factory=list, description="Refunds per tax rate and currency")


class DailyReportOut(Out):
    venue_id: str
    from_date: str
    to_date: str
    days: list[DayOut]


def _known_event(value: str) -> str:
    if value not in DETAIL_TYPES:
        raise ValueError(f"not an event type; one of {', '.join(DETAIL_TYPES)}")
    return value


EventType = Annotated[str, AfterValidator(_known_event)]
Url = Annotated[str, StringConstraints(min_length=8, max_length=2048)]


class WebhookIn(Body):
    url: Url = Field(description="https:// URL of a public receiver (loopback http:// only under make run)")
    events: list[EventType] = Field(min_length=1, max_length=len(DETAIL_TYPES), description="detail-types to send")


class WebhookOut(Out):
    webhook_id: str
    url: str
    events: list[str]
    created_at: str
    created_by: str


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="Signs every delivery (Boxoffice-Signature); shown only now")


class DeliveryOut(Out):
    event_id: str
    event_type: str
    status: str = Field(description="PENDING (tried again later), DELIVERED, or FAILED (dead-lettered)")
    attempts: int
    created_at: str
    last_attempt_at: str | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    next_attempt_at: str | None = None
    delivered_at: str | None = None
    failed_at: str | None = None


class RecommendedMovieOut(Out):
    movie_id: str
    name: str
    score: int = Field(description="How many buyers or subscribers chose both (or, as a fallback, seats sold)")


class RecommendationsOut(Out):
    basis: str = Field(description="co-occurrence, or selling-now when there is nothing to go on")
    items: list[RecommendedMovieOut]


class DistributorFigures(Out):
    currency: str
    admissions: int = Field(description="Seats sold and not refunded")
    gross_cents: int = Field(description="What buyers paid and kept, tax included")
    tax_cents: int
    net_cents: int = Field(description="gross_cents - tax_cents")
    refunds_cents: int = Field(description="Refunded (gross), not in gross_cents")


class DistributorScreeningOut(DistributorFigures):
    screening_id: str
    venue_id: str
    hall_name: str
    starts_at_local: str
    business_day: str


class DistributorVenueOut(Out):
    venue_id: str
    screenings: list[DistributorScreeningOut]
    totals: list[DistributorFigures] = Field(description="Per currency")


class DistributorReportOut(Out):
    movie_id: str
    from_date: str
    to_date: str
    venues: list[DistributorVenueOut]
    totals: list[DistributorFigures] = Field(description="Every venue's, per currency")
