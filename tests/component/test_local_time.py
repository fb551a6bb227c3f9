"""Time is the venue's (design.md rule 13): screenings scheduled and shown in the venue's zone, across DST,
and a day's program that is the venue's calendar day."""

from __future__ import annotations

from datetime import datetime

import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer
from tests.component.catalog_helpers import Catalog


@pytest.fixture
def manager(accounts):
    return accounts.staff({"venues:manage", "screenings:manage", "movies:create"})


@pytest.fixture
def catalog(stack, manager):
    return Catalog(stack, manager.token)


def venue(stack, manager, name, timezone, currency="EUR"):
    body = {
        "name": name,
        "timezone": timezone,
        "currency": currency,
        "tax_rates": [{"code": "standard", "name": "Standard", "percent": 7}],
        "default_tax_code": "standard",
    }
    answer = stack.api.post("/venues", body, token=manager.token)
    assert answer.status == 201, answer
    return answer.body


def at_time(text, accounts, stack):
    """Move the (frozen) clock to an ISO instant (DST tests need 2026's transitions still to come), then sign in a
    manager: a token signed before the move would not be valid yet."""
    clock.advance(datetime.fromisoformat(text).timestamp() - clock.time())
    manager = accounts.staff({"venues:manage", "screenings:manage", "movies:create"})
    return manager, Catalog(stack, manager.token)


def schedule(stack, manager, catalog, hall_id, movie_id, **start):
    body = {"movie_id": movie_id, "hall_id": hall_id, "price_cents": 1000, **start}
    return stack.api.post("/screenings", body, token=manager.token)


@pytest.mark.parametrize(
    ("timezone", "walls"),
    [
        (
            "Europe/Berlin",  # spring forward 2026-03-29, fall back 2026-10-25
            {
                "2026-03-28T20:00:00": "+01:00",
                "2026-03-29T20:00:00": "+02:00",
                "2026-10-24T20:00:00": "+02:00",
                "2026-10-25T20:00:00": "+01:00",
            },
        ),
        (
            "America/New_York",  # spring forward 2026-03-08, fall back 2026-11-01
            {
                "2026-03-07T20:00:00": "-05:00",
                "2026-03-08T20:00:00": "-04:00",
                "2026-10-31T20:00:00": "-04:00",
                "2026-11-01T20:00:00": "-05:00",
            },
        ),
    ],
)
def test_a_20_00_show_stays_at_20_00_local_across_both_transitions(stack, accounts, timezone, walls):
    manager, catalog = at_time("2026-01-01T00:00:00+00:00", accounts, stack)
    place = venue(stack, manager, "Kino", timezone)
    hall = catalog.hall(venue_id=place["venue_id"])
    movie = catalog.movie(runtime_minutes=90)
    for wall, offset in walls.items():
        made = schedule(stack, manager, catalog, hall["hall_id"], movie["movie_id"], starts_at_local=wall)
        assert made.status == 201, made
        screening = made.body
        assert screening["starts_at_local"] == wall + offset
        assert screening["timezone"] == timezone and screening["venue_id"] == place["venue_id"]
        utc = datetime.fromisoformat(wall + offset).timestamp()
        assert datetime.fromisoformat(screening["starts_at"].replace("Z", "+00:00")).timestamp() == utc
        read = stack.api.get(f"/screenings/{screening['screening_id']}", token=manager.token).body
        assert (read["starts_at"], read["starts_at_local"]) == (screening["starts_at"], screening["starts_at_local"])


def test_a_local_time_that_does_not_exist_or_exists_twice_is_refused_unless_an_offset_says_which(stack, accounts):
    manager, catalog = at_time("2026-01-01T00:00:00+00:00", accounts, stack)
    place = venue(stack, manager, "Kino", "Europe/Berlin")
    hall, movie = catalog.hall(venue_id=place["venue_id"]), catalog.movie(runtime_minutes=30)

    gap = schedule(stack, manager, catalog, hall["hall_id"], movie["movie_id"], starts_at_local="2026-03-29T02:30:00")
    assert gap.status == 422 and gap.body["code"] == "LOCAL_TIME_DOES_NOT_EXIST", gap
    assert gap.body["details"]["errors"][0]["location"] == "body.starts_at_local"
    twice = schedule(stack, manager, catalog, hall["hall_id"], movie["movie_id"], starts_at_local="2026-10-25T02:30:00")
    assert twice.status == 422 and twice.body["code"] == "LOCAL_TIME_AMBIGUOUS", twice
    assert twice.body["details"]["candidates"] == ["2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"]
    assert stack.api.get("/screenings", token=manager.token).body["items"] == []

    second = schedule(
        stack, manager, catalog, hall["hall_id"], movie["movie_id"], starts_at="2026-10-25T02:30:00+01:00"
    )
    assert second.status == 201, second
    assert second.body["starts_at"] == "2026-10-25T01:30:00Z"
    assert second.body["starts_at_local"] == "2026-10-25T02:30:00+01:00"


@pytest.mark.parametrize(
    "start",
    [
        {"starts_at": "2027-01-10T20:00:00Z", "starts_at_local": "2027-01-10T20:00:00"},  # both
        {},  # neither
        {"starts_at": "2027-01-10T20:00:00"},  # no offset
        {"starts_at_local": "2027-01-10T20:00:00+01:00"},  # an offset where the wall clock is asked
    ],
)
def test_a_start_must_be_one_instant_or_one_wall_clock_time(stack, manager, catalog, start):
    hall, movie = catalog.hall(), catalog.movie()
    answer = schedule(stack, manager, catalog, hall["hall_id"], movie["movie_id"], **start)
    assert answer.status == 422 and answer.body["code"] == "VALIDATION_FAILED", answer


def test_a_screening_sells_in_its_venues_currency(stack, manager, catalog):
    place = venue(stack, manager, "Cinema", "Europe/London", currency="GBP")
    hall, movie = catalog.hall(venue_id=place["venue_id"]), catalog.movie()
    start = {"starts_at_local": "2027-01-10T20:00:00"}
    refused = schedule(stack, manager, catalog, hall["hall_id"], movie["movie_id"], currency="EUR", **start)
    assert refused.status == 422 and refused.body["code"] == "CURRENCY_MISMATCH", refused
    assert refused.body["details"]["errors"][0]["location"] == "body.currency"
    made = schedule(stack, manager, catalog, hall["hall_id"], movie["movie_id"], **start)
    assert made.status == 201 and made.body["currency"] == "GBP", made
    assert made.body["starts_at_local"] == "2027-01-10T20:00:00+00:00"


def test_a_day_s_program_is_the_venue_s_calendar_day(stack, accounts):
    """Kiritimati (UTC+14) and Honolulu (UTC-10): a day apart on the calendar at the same instant."""
    manager, catalog = at_time("2026-12-01T00:00:00+00:00", accounts, stack)
    east = venue(stack, manager, "East", "Pacific/Kiritimati")
    west = venue(stack, manager, "West", "Pacific/Honolulu")
    movie = catalog.movie(runtime_minutes=60)
    east_hall, west_hall = catalog.hall(venue_id=east["venue_id"]), catalog.hall(venue_id=west["venue_id"])
    made = {}
    for place, hall in ((east, east_hall), (west, west_hall)):
        for wall in ("2026-12-24T00:30:00", "2026-12-24T22:30:00", "2026-12-25T00:30:00"):
            answer = schedule(stack, manager, catalog, hall["hall_id"], movie["movie_id"], starts_at_local=wall)
            assert answer.status == 201, answer
            made[(place["name"], wall)] = answer.body["screening_id"]
    # The same UTC instant: 2026-12-24T10:30Z is the 25th 00:30 in Kiritimati and the 24th 00:30 in Honolulu.
    assert made[("East", "2026-12-25T00:30:00")] != made[("West", "2026-12-24T00:30:00")]

    def day(place, date):
        answer = stack.api.get("/screenings", query={"venue_id": place["venue_id"], "date": date}, token=manager.token)
        assert answer.status == 200, answer
        return {item["starts_at_local"][:19] for item in answer.body["items"]}

    assert day(east, "2026-12-24") == {"2026-12-24T00:30:00", "2026-12-24T22:30:00"}
    assert day(west, "2026-12-24") == {"2026-12-24T00:30:00", "2026-12-24T22:30:00"}
    assert day(east, "2026-12-25") == {"2026-12-25T00:30:00"}
    everything = stack.api.get("/screenings", query={"venue_id": west["venue_id"]}, token=manager.token).body["items"]
    assert {item["venue_id"] for item in everything} == {west["venue_id"]} and len(everything) == 3
    of_movie = stack.api.get(
        "/screenings", query={"movie_id": movie["movie_id"], "venue_id": east["venue_id"]}, token=manager.token
    ).body["items"]
    assert {item["venue_id"] for item in of_movie} == {east["venue_id"]} and len(of_movie) == 3

    both = stack.api.get(
        "/screenings", query={"date": "2026-12-24", "from": "2026-12-24T00:00:00Z"}, token=manager.token
    )
    assert both.status == 422, both


def test_an_order_carries_its_screenings_local_time_and_a_screening_moves_by_local_time(stack, manager, catalog):
    place = venue(stack, manager, "Kino", "Europe/Berlin")
    hall, movie = catalog.hall(venue_id=place["venue_id"]), catalog.movie(runtime_minutes=30)
    screening = schedule(
        stack, manager, catalog, hall["hall_id"], movie["movie_id"], starts_at_local="2027-02-01T20:00:00"
    ).body
    booking = Booking(stack, screening["screening_id"])
    buyer = customer("anna")
    order = booking.hold(buyer, ["A-1"]).body
    assert (order["starts_at_local"], order["timezone"], order["venue_id"]) == (
        "2027-02-01T20:00:00+01:00",
        "Europe/Berlin",
        place["venue_id"],
    )

    moved = stack.api.put(
        f"/screenings/{screening['screening_id']}", {"starts_at_local": "2027-02-01T20:30:00"}, token=manager.token
    )
    assert moved.status == 200, moved
    assert moved.body["starts_at_local"] == "2027-02-01T20:30:00+01:00"
    assert moved.body["starts_at"] == "2027-02-01T19:30:00Z"

    other_place = venue(stack, manager, "Elsewhere", "Europe/Berlin")
    other_hall = catalog.hall(venue_id=other_place["venue_id"])
    empty = schedule(stack, manager, catalog, hall["hall_id"], movie["movie_id"], starts_at_local="2027-03-01T20:00:00")
    refused = stack.api.put(
        f"/screenings/{empty.body['screening_id']}", {"hall_id": other_hall["hall_id"]}, token=manager.token
    )
    assert refused.status == 422 and refused.body["code"] == "HALL_IN_ANOTHER_VENUE", refused
