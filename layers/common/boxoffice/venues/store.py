"""Venues: created, read, changed and deleted; and the venue of a hall, read often and cached briefly.

A venue cannot be deleted while it has halls: each hall's creation and deletion moves the venue's
`hall_count` in the hall's own transaction (boxoffice.catalog.halls), and the delete is conditional on it
being 0. Its time zone and currency are fixed once it has halls: screenings and orders copy them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

from pynamodb.exceptions import DeleteError, PutError, UpdateError
from pynamodb.expressions.update import Action

from boxoffice.catalog.common import name_key
from boxoffice.clock import clock, iso, now_epoch
from boxoffice.errors import Conflict, Invalid, NotFound, field_errors
from boxoffice.ids import new_id
from boxoffice.models.base import Transaction, get_or_404
from boxoffice.models.venues import DEFAULT_VENUE_ID, TaxRate, Venue
from boxoffice.pagination import query_page
from boxoffice.schemas import Page
from boxoffice.settings import get_settings
from boxoffice.venues.local_time import parse_hh_mm
from boxoffice.venues.schemas import TaxRateIn, TaxRateOut, VenueIn, VenueOut, VenueUpdateIn
from boxoffice.venues.tax import DEFAULT_TAX_CODE, Rate, default_rate, percent_text


def to_out(venue: Venue) -> VenueOut:
    return VenueOut(
        venue_id=venue.venue_id,
        name=venue.name,
        timezone=venue.timezone,
        currency=venue.currency,
        business_day_starts=venue.business_day_starts,
        tax_rates=[TaxRateOut(code=rate.code, name=rate.name, percent=float(rate.percent)) for rate in venue.tax_rates],
        default_tax_code=venue.default_tax_code,
        address=venue.address,
        hall_count=int(venue.hall_count or 0),
        created_at=iso(venue.created_at),
        updated_at=iso(venue.updated_at),
    )


def _rates(rates: list[TaxRateIn]) -> list[TaxRate]:
    return [TaxRate(code=rate.code, name=rate.name, percent=percent_text(rate.percent)) for rate in rates]


def create(body: VenueIn, venue_id: str | None = None) -> VenueOut:
    now = now_epoch()
    venue_id = venue_id or new_id()
    venue = Venue(
        venue_id=venue_id,
        name=body.name,
        name_key=name_key(body.name, venue_id),
        timezone=body.timezone,
        currency=body.currency,
        business_day_starts=body.business_day_starts,
        tax_rates=_rates(body.tax_rates),
        default_tax_code=body.default_tax_code,
        address=body.address,
        hall_count=0,
        version=0,
        created_at=now,
        updated_at=now,
    )
    venue.save(condition=Venue.venue_id.does_not_exist())
    return to_out(venue)


def get(venue_id: str) -> VenueOut:
    return to_out(get_or_404(Venue, venue_id, "venue"))


def list_page(limit: int, cursor: str | None) -> Page[VenueOut]:
    venues, next_cursor = query_page(Venue, Venue.by_name, "VENUE", limit=limit, cursor=cursor)
    return Page[VenueOut](items=[to_out(venue) for venue in venues], next_cursor=next_cursor)


def update(venue_id: str, body: VenueUpdateIn) -> VenueOut:
    venue = get_or_404(Venue, venue_id, "venue")
    moving = {
        field: getattr(body, field)
        for field in ("timezone", "currency")
        if getattr(body, field) is not None and getattr(body, field) != getattr(venue, field)
    }
    if moving and int(venue.hall_count or 0) > 0:
        raise Conflict(
            "A venue's time zone and currency are fixed once it has halls: its screenings and orders use them",
            code="VENUE_IN_USE",
            details={"fields": sorted(moving), "hall_count": int(venue.hall_count)},
        )
    actions: list[Action] = [Venue.version.set(int(venue.version) + 1), Venue.updated_at.set(now_epoch())]
    if body.name is not None:
        actions += [Venue.name.set(body.name), Venue.name_key.set(name_key(body.name, venue_id))]
    for field in ("timezone", "currency", "business_day_starts"):
        if getattr(body, field) is not None:
            actions.append(getattr(Venue, field).set(getattr(body, field)))
    if body.tax_rates is not None and body.default_tax_code is not None:
        actions += [Venue.tax_rates.set(_rates(body.tax_rates)), Venue.default_tax_code.set(body.default_tax_code)]
    if "address" in body.model_fields_set:
        actions.append(Venue.address.set(body.address) if body.address else Venue.address.remove())
    # As read: unchanged meanwhile, and (when the zone or currency moves) still without halls.
    condition = Venue.version == venue.version
    if moving:
        condition &= Venue.hall_count.does_not_exist() | (Venue.hall_count == 0)
    try:
        venue.update(actions=actions, condition=condition)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise Conflict("The venue changed meanwhile; read it again", code="CONCURRENT_UPDATE") from None
    forget(venue_id)
    return to_out(venue)


def delete(venue_id: str) -> None:
    venue = get_or_404(Venue, venue_id, "venue")
    try:
        venue.delete(condition=Venue.hall_count.does_not_exist() | (Venue.hall_count == 0))
    except DeleteError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise Conflict(
            "The venue has halls; delete or move them first",
            code="VENUE_IN_USE",
            details={"hall_count": int(get_or_404(Venue, venue_id, "venue").hall_count or 0)},
        ) from None
    forget(venue_id)


# ---------------------------------------------------------------- halls join and leave


def hall_joins(transaction: Transaction, venue_id: str) -> None:
    """In the hall's creation: the venue exists (as the hall is written) and counts one more hall."""
    transaction.update(
        "venue",
        Venue(venue_id),
        [Venue.hall_count.set((Venue.hall_count | 0) + 1)],
        condition=Venue.venue_id.exists(),
    )


def hall_leaves(transaction: Transaction, venue_id: str) -> None:
    transaction.update("venue", Venue(venue_id), [Venue.hall_count.add(-1)], condition=Venue.hall_count > 0)


def venue_for_new_hall(venue_id: str | None) -> str:
    """The venue a new hall goes to: the one named (the hall's transaction checks that it exists); else the only
    one there is (made from the stack's defaults when there is none yet); else 422 VENUE_REQUIRED."""
    if venue_id is not None:
        return venue_id
    first_two = list(Venue.by_name.query("VENUE", limit=2))
    if len(first_two) > 1:
        raise Invalid(
            "There are several venues: say which one",
            code="VENUE_REQUIRED",
            details=field_errors("venue_id", "required when there are several venues"),
        )
    return first_two[0].venue_id if first_two else ensure_default().venue_id


def _get_or_none(venue_id: str) -> Venue | None:
    try:
        return Venue.get(venue_id, consistent_read=True)
    except Venue.DoesNotExist:
        return None


def ensure_default() -> Venue:
    """The default venue, "Main", made once from the stack's DefaultTimezone, DefaultCurrency and
    DefaultTaxPercent (a second maker finds the first one's)."""
    settings = get_settings()
    body = VenueIn(
        name="Main",
        timezone=settings.default_timezone,
        currency=settings.default_currency,
        tax_rates=[TaxRateIn(code=DEFAULT_TAX_CODE, name="Standard", percent=Decimal(settings.default_tax_percent))],
        default_tax_code=DEFAULT_TAX_CODE,
    )
    try:
        create(body, venue_id=DEFAULT_VENUE_ID)
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    found = _get_or_none(DEFAULT_VENUE_ID)
    if found is None:  # pragma: no cover - deleted between our write and our read
        raise NotFound("No such venue", code="NOT_FOUND")
    return found


# ---------------------------------------------------------------- what other modules need of a venue, cached


@dataclass(frozen=True)
class VenueFacts:
    """What time rules and prices need of a venue: read at most once a minute per environment (boxoffice.clock's
    minute, so tests move past it without sleeping). The zone and currency never change while the venue has
    halls, so only a changed business day can be a minute late."""

    venue_id: str
    timezone: str
    currency: str
    business_day_starts: time
    tax: Rate  # its default rate: what a ticket's price includes


_CACHE_SECONDS = 60
_cache: dict[str, tuple[float, VenueFacts]] = {}


def facts_of(venue_id: str | None) -> VenueFacts:
    """The venue's facts (the default venue's for items older than venues). A venue deleted since (it had no
    halls left) answers the stack's defaults."""
    key = venue_id or DEFAULT_VENUE_ID
    cached = _cache.get(key)
    if cached and clock.time() - cached[0] < _CACHE_SECONDS:
        return cached[1]
    venue = _get_or_none(key)
    settings = get_settings()
    found = VenueFacts(
        venue_id=key,
        timezone=venue.timezone if venue else settings.default_timezone,
        currency=venue.currency if venue else settings.default_currency,
        business_day_starts=parse_hh_mm(venue.business_day_starts if venue else "05:00"),
        tax=_default_rate_of(venue) if venue else default_rate(),
    )
    _cache[key] = (clock.time(), found)
    return found


def _default_rate_of(venue: Venue) -> Rate:
    rate = next(rate for rate in venue.tax_rates if rate.code == venue.default_tax_code)
    return Rate(rate.code, Decimal(rate.percent))


def forget(venue_id: str) -> None:
    _cache.pop(venue_id, None)


def forget_all() -> None:
    _cache.clear()
