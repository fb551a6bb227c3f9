"""Venues: a chain's cinemas, each with its time zone, business day, currency and tax rates; halls belong to one."""

from __future__ import annotations

import pytest

from tests.component.catalog_helpers import Catalog, hall_body


@pytest.fixture
def manager(accounts):
    return accounts.staff({"venues:manage", "screenings:manage"})


@pytest.fixture
def catalog(stack, manager):
    return Catalog(stack, manager.token)


def venue_body(**changes):
    return {
        "name": "Kino am Meer",
        "timezone": "Europe/Berlin",
        "currency": "EUR",
        "tax_rates": [
            {"code": "reduced", "name": "Ermäßigt", "percent": 7},
            {"code": "full", "name": "Voll", "percent": 19},
        ],
        "default_tax_code": "reduced",
        **changes,
    }


def fields_named(answer):
    return {error["location"] for error in answer.body["details"]["errors"]}


def test_a_venue_is_made_by_a_manager_and_read_by_anyone(stack, manager):
    made = stack.api.post("/venues", venue_body(address="Strandweg 1"), token=manager.token)
    assert made.status == 201, made
    venue = made.body
    assert venue["timezone"] == "Europe/Berlin" and venue["currency"] == "EUR"
    assert venue["business_day_starts"] == "05:00"  # the default
    assert venue["tax_rates"] == [
        {"code": "reduced", "name": "Ermäßigt", "percent": 7.0},
        {"code": "full", "name": "Voll", "percent": 19.0},
    ]
    assert venue["hall_count"] == 0 and venue["address"] == "Strandweg 1"

    # No token: customers pick a cinema before they sign in.
    assert stack.api.get("/venues").body["items"] == [venue]
    assert stack.api.get(f"/venues/{venue['venue_id']}").body == venue
    assert stack.api.get("/venues/nothere").status == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Europe/Atlantis"}, "body.timezone"),
        ({"timezone": "CET+1"}, "body.timezone"),
        ({"timezone": "../../etc/passwd"}, "body.timezone"),
        ({"currency": "EUX"}, "body.currency"),
        ({"currency": "eur"}, "body.currency"),
        ({"business_day_starts": "24:00"}, "body.business_day_starts"),
        ({"business_day_starts": "5:00"}, "body.business_day_starts"),
        (
            {"tax_rates": [{"code": "x", "name": "X", "percent": 100.5}], "default_tax_code": "x"},
            "body.tax_rates.0.percent",
        ),
        (
            {"tax_rates": [{"code": "x", "name": "X", "percent": 7.125}], "default_tax_code": "x"},
            "body.tax_rates.0.percent",
        ),
        ({"default_tax_code": "standard"}, "body"),
        ({"tax_rates": []}, "body.tax_rates"),
    ],
)
def test_a_bad_venue_is_a_422_naming_its_field_and_nothing_is_made(stack, manager, changes, field):
    answer = stack.api.post("/venues", venue_body(**changes), token=manager.token)
    assert answer.status == 422 and answer.body["code"] == "VALIDATION_FAILED", answer
    assert field in fields_named(answer)
    assert stack.api.get("/venues").body["items"] == []


def test_only_venues_manage_may_make_change_or_delete_a_venue(stack, accounts, manager):
    venue = stack.api.post("/venues", venue_body(), token=manager.token).body
    clerk = accounts.staff({"orders:manage", "screenings:manage"})
    path = f"/venues/{venue['venue_id']}"
    assert stack.api.post("/venues", venue_body(), token=clerk.token).status == 403
    assert stack.api.put(path, {"name": "Mine"}, token=clerk.token).status == 403
    assert stack.api.delete(path, token=clerk.token).status == 403
    assert stack.api.post("/venues", venue_body()).status == 401
    assert stack.api.get(path).body == venue


def test_the_first_hall_makes_the_default_venue_from_the_stack_parameters(stack, catalog):
    hall = catalog.hall()
    assert hall["venue_id"] == "main"
    main = stack.api.get("/venues/main").body
    assert (main["name"], main["timezone"], main["currency"], main["business_day_starts"]) == (
        "Main",
        "Europe/Berlin",
        "EUR",
        "05:00",
    )
    assert main["tax_rates"] == [{"code": "standard", "name": "Standard", "percent": 7.0}]
    assert main["hall_count"] == 1
    assert catalog.hall()["venue_id"] == "main"  # the only venue: the default for the next
    assert stack.api.get("/venues/main").body["hall_count"] == 2


def test_the_default_venue_follows_the_stack_parameters(make_stack, accounts):
    stack = make_stack(DefaultTimezone="America/New_York", DefaultCurrency="USD", DefaultTaxPercent="8.75")
    catalog = Catalog(stack, accounts.staff({"screenings:manage"}).token)
    catalog.hall()
    main = stack.api.get("/venues/main").body
    assert (main["timezone"], main["currency"], main["tax_rates"][0]["percent"]) == ("America/New_York", "USD", 8.75)


def test_with_several_venues_a_hall_must_say_which(stack, manager, catalog):
    first = stack.api.post("/venues", venue_body(name="Nord"), token=manager.token).body
    assert catalog.hall()["venue_id"] == first["venue_id"]  # one venue: it is the default
    second = stack.api.post("/venues", venue_body(name="Süd"), token=manager.token).body

    answer = stack.api.post("/halls", hall_body(name="Where?"), token=manager.token)
    assert answer.status == 422 and answer.body["code"] == "VENUE_REQUIRED", answer
    assert fields_named(answer) == {"body.venue_id"}
    unknown = stack.api.post("/halls", hall_body(venue_id="nothere"), token=manager.token)
    assert unknown.status == 422 and unknown.body["code"] == "UNKNOWN_VENUE", unknown
    assert fields_named(unknown) == {"body.venue_id"}

    hall = catalog.hall(venue_id=second["venue_id"])
    assert hall["venue_id"] == second["venue_id"]
    assert stack.api.get(f"/halls/{hall['hall_id']}", token=manager.token).body["venue_id"] == second["venue_id"]
    counts = {venue["name"]: venue["hall_count"] for venue in stack.api.get("/venues").body["items"]}
    assert counts == {"Nord": 1, "Süd": 1}


def test_a_venue_with_halls_cannot_be_deleted_nor_change_its_zone_or_currency(stack, manager, catalog):
    venue = stack.api.post("/venues", venue_body(), token=manager.token).body
    path = f"/venues/{venue['venue_id']}"
    hall = catalog.hall(venue_id=venue["venue_id"])
    venue = stack.api.get(path).body
    assert venue["hall_count"] == 1

    refused = stack.api.delete(path, token=manager.token)
    assert refused.status == 409 and refused.body["code"] == "VENUE_IN_USE", refused
    for change in ({"timezone": "Europe/London"}, {"currency": "GBP"}):
        moved = stack.api.put(path, change, token=manager.token)
        assert moved.status == 409 and moved.body["code"] == "VENUE_IN_USE", moved
    assert stack.api.get(path).body == venue

    changed = stack.api.put(
        path,
        {"business_day_starts": "06:00", "name": "Kino", "timezone": "Europe/Berlin", "address": "Hafen 2"},
        token=manager.token,
    )
    assert changed.status == 200, changed
    assert (changed.body["business_day_starts"], changed.body["name"], changed.body["address"]) == (
        "06:00",
        "Kino",
        "Hafen 2",
    )
    rates = stack.api.put(
        path, {"tax_rates": [{"code": "z", "name": "Zero", "percent": 0}], "default_tax_code": "z"}, token=manager.token
    )
    assert rates.status == 200 and rates.body["default_tax_code"] == "z", rates
    half = stack.api.put(path, {"tax_rates": [{"code": "z", "name": "Zero", "percent": 0}]}, token=manager.token)
    assert half.status == 422, half

    assert stack.api.delete(f"/halls/{hall['hall_id']}", token=manager.token).status == 204
    assert stack.api.get(path).body["hall_count"] == 0
    assert stack.api.put(path, {"timezone": "Europe/London"}, token=manager.token).status == 200
    assert stack.api.delete(path, token=manager.token).status == 204
    assert stack.api.get(path).status == 404


def test_a_venue_being_deleted_takes_no_new_hall(stack, manager, catalog):
    """The hall's transaction needs the venue to exist: a hall never lands in a deleted venue."""
    venue = stack.api.post("/venues", venue_body(), token=manager.token).body
    assert stack.api.delete(f"/venues/{venue['venue_id']}", token=manager.token).status == 204
    answer = stack.api.post("/halls", hall_body(venue_id=venue["venue_id"]), token=manager.token)
    assert answer.status == 422 and answer.body["code"] == "UNKNOWN_VENUE", answer
    assert stack.api.get("/halls", token=manager.token).body["items"] == []
