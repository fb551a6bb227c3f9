"""Request and response bodies of the catalog: movies, members, subscriptions, halls, screenings."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    EmailStr,
    Field,
    HttpUrl,
    NaiveDatetime,
    StringConstraints,
    model_validator,
)

from boxoffice.schemas import Body, LongText, Name, OpaqueId, Out

MAX_HALL_CHAIRS = 3000
Genre = Annotated[str, StringConstraints(min_length=1, max_length=40, to_lower=True, strip_whitespace=True)]
City = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(description="ISO 4217, e.g. EUR")]
PriceCents = Annotated[int, Field(ge=0, le=1_000_000, description="Integer cents")]
RowLabel = Annotated[
    str, StringConstraints(pattern=r"^([A-Z]{1,3}|[1-9][0-9]{0,2})$"), Field(description='"A".."ZZZ" or "1".."999"')
]
PriceClass = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,31}$")]


def _https(url: HttpUrl) -> HttpUrl:
    if url.scheme != "https":
        raise ValueError("only https URLs")
    return url


HttpsUrl = Annotated[HttpUrl, AfterValidator(_https), Field(max_length=2000)]


def _not_before_cinema(value: dt.date) -> dt.date:
    if value < dt.date(1888, 1, 1):
        raise ValueError("before the first film")
    return value


PremiereDate = Annotated[dt.date, AfterValidator(_not_before_cinema)]


# Normalized on the way in (pydantic's EmailStr), so that a search by e-mail finds what was stored.
MemberEmail = Annotated[EmailStr, StringConstraints(max_length=254)]


class MovieIn(Body):
    name: Name
    genres: list[Genre] = Field(default_factory=list, max_length=10)
    premiered: PremiereDate
    runtime_minutes: int = Field(ge=1, le=600)
    image_url: HttpsUrl | None = None
    description: LongText | None = None


class MovieOut(Out):
    movie_id: str
    name: str
    genres: list[str]
    premiered: str
    runtime_minutes: int
    image_url: str | None
    description: str | None
    created_at: str
    updated_at: str


class MemberIn(Body):
    name: Name
    email: MemberEmail
    city: City


class MemberOut(Out):
    member_id: str
    name: str
    email: str
    city: str
    created_at: str
    updated_at: str


class SubscriptionIn(Body):
    member_id: OpaqueId
    movie_id: OpaqueId
    date: dt.date


class SubscriptionOut(Out):
    subscription_id: str
    member_id: str
    member_name: str | None = Field(description="The member's name now (None if the member is gone)")
    movie_id: str
    movie_name: str | None = Field(description="The movie's name now (None if the movie is gone)")
    date: str
    source: str
    order_id: str | None
    created_at: str


class RowIn(Body):
    label: RowLabel
    seats: int = Field(ge=1, le=200)
    gaps: list[int] = Field(default_factory=list, max_length=200, description="Seat numbers that are not there")
    price_class: PriceClass | None = None
    accessible: list[int] = Field(default_factory=list, max_length=200, description="Wheelchair spaces (seat numbers)")
    companion: list[int] = Field(default_factory=list, max_length=200, description="Companion seats (seat numbers)")

    @model_validator(mode="after")
    def _gaps_inside_the_row(self) -> RowIn:
        if any(not 1 <= gap <= self.seats for gap in self.gaps):
            raise ValueError("gaps must be seat numbers of the row")
        for kind, seats in (("accessible", self.accessible), ("companion", self.companion)):
            if any(not 1 <= seat <= self.seats or seat in self.gaps for seat in seats):
                raise ValueError(f"{kind} seats must be seat numbers of the row, not gaps")
            if len(set(seats)) != len(seats):
                raise ValueError(f"{kind} seats must be distinct")
        if len(set(self.gaps)) >= self.seats:
            raise ValueError("a row needs at least one seat")
        self.gaps = sorted(set(self.gaps))
        return self


def _check_layout(rows: list[RowIn]) -> None:
    labels = [row.label for row in rows]
    if len(set(labels)) != len(labels):
        raise ValueError("row labels must be unique")
    chairs = sum(row.seats - len(row.gaps) for row in rows)
    if chairs > MAX_HALL_CHAIRS:
        raise ValueError(f"a hall has at most {MAX_HALL_CHAIRS} chairs")


class HallIn(Body):
    name: Name
    venue_id: OpaqueId | None = Field(None, description="Required once there are several venues")
    rows: list[RowIn] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _valid_layout(self) -> HallIn:
        _check_layout(self.rows)
        return self


class HallUpdateIn(Body):
    """A new name, a new layout, or both; a new layout applies to screenings created afterwards."""

    name: Name | None = None
    rows: list[RowIn] | None = Field(None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _something_valid(self) -> HallUpdateIn:
        if self.name is None and self.rows is None:
            raise ValueError("give a name, rows or both")
        if self.rows is not None:
            _check_layout(self.rows)
        return self


class RowOut(Out):
    label: str
    seats: int
    gaps: list[int]
    price_class: str | None
    accessible: list[int] = Field(default_factory=list)
    companion: list[int] = Field(default_factory=list)


class HallOut(Out):
    hall_id: str
    venue_id: str
    name: str
    rows: list[RowOut]
    chair_count: int
    created_at: str


def _one_start(starts_at: object, starts_at_local: object, *, required: bool) -> None:
    if starts_at is not None and starts_at_local is not None:
        raise ValueError("give starts_at (with its offset) or starts_at_local (the venue's wall clock), not both")
    if required and starts_at is None and starts_at_local is None:
        raise ValueError("give starts_at (with its offset) or starts_at_local (the venue's wall clock)")


class ScreeningIn(Body):
    movie_id: OpaqueId
    hall_id: OpaqueId
    starts_at: AwareDatetime | None = Field(
        None, description="ISO 8601 with an offset, e.g. 2026-12-24T20:00:00+01:00 or 2026-12-24T19:00:00Z"
    )
    starts_at_local: NaiveDatetime | None = Field(
        None,
        description="Or the venue's wall-clock time without an offset, e.g. 2026-12-24T20:00:00; a time the clocks "
        "skip is 422 LOCAL_TIME_DOES_NOT_EXIST, one they pass twice 422 LOCAL_TIME_AMBIGUOUS",
    )
    price_cents: PriceCents
    currency: Currency | None = Field(None, description="The venue's currency (the default); another is a 422")
    price_classes: dict[PriceClass, PriceCents] = Field(
        default_factory=dict, max_length=20, description="Price per row class, overriding price_cents"
    )

    @model_validator(mode="after")
    def _one_start_time(self) -> ScreeningIn:
        _one_start(self.starts_at, self.starts_at_local, required=True)
        return self


class ScreeningOut(Out):
    screening_id: str
    movie_id: str
    movie_name: str
    hall_id: str
    hall_name: str
    venue_id: str
    starts_at: str = Field(description="UTC, with a Z")
    starts_at_local: str = Field(description="The venue's local time with its offset, e.g. 2026-12-24T20:00:00+01:00")
    timezone: str = Field(description="The venue's IANA time zone")
    ends_at: str
    price_cents: int
    currency: str
    price_classes: dict[str, int]
    chair_count: int
    chairs_ready: bool
    created_at: str
    status: Literal["SCHEDULED", "CANCELLED"] = "SCHEDULED"
    cancel_reason: str | None = None
    cancelled_at: str | None = None
    orders_to_settle: int | None = Field(
        None, description="While a cancellation settles: orders still to cancel or refund (0 once done)"
    )
    settled_at: str | None = Field(None, description="When every order of a cancelled screening was settled")


class ScreeningUpdateIn(Body):
    """A new time (the hall must be free then, as on creation) and/or new prices (for holds made afterwards)."""

    starts_at: AwareDatetime | None = None
    starts_at_local: NaiveDatetime | None = Field(None, description="Or the venue's wall-clock time, as on creation")
    price_cents: PriceCents | None = None
    price_classes: dict[PriceClass, PriceCents] | None = Field(None, max_length=20)
    hall_id: OpaqueId | None = Field(
        None, description="Another hall of the same venue: only while the screening has no orders"
    )

    @model_validator(mode="after")
    def _something(self) -> ScreeningUpdateIn:
        _one_start(self.starts_at, self.starts_at_local, required=False)
        if not {"starts_at", "starts_at_local", "price_cents", "price_classes", "hall_id"} & {
            name for name in self.model_fields_set if getattr(self, name) is not None
        }:
            raise ValueError("give starts_at, starts_at_local, price_cents, price_classes or hall_id")
        return self


def _printable(text: str) -> str:
    if any(ord(character) < 32 and character not in "\n\t" for character in text):
        raise ValueError("no control characters")
    return text


class CancelScreeningIn(Body):
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_printable)] = Field(
        description="Why; shown to staff, kept on the screening"
    )
