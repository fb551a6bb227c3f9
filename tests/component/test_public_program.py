"""The public program: a cinema's visitors see what is on without an account, as a customer sees it, and an
address that reads too much is told to wait."""

from __future__ import annotations

import pytest

from boxoffice import permissions
from boxoffice.clock import clock
from boxoffice.public_reads import READS_PER_WINDOW, WINDOW_SECONDS
from tests.component.booking_helpers import Booking, customer
from tests.component.catalog_helpers import Catalog

# The seat map needs its hall's layout (rows, gaps): GET /halls/{id} is public too; the list of halls is not.
PUBLIC_READS = {"GET /venues", "GET /venues/{venue_id}", "GET /movies", "GET /movies/{movie_id}", "GET /screenings",
                "GET /screenings/{screening_id}", "GET /screenings/{screening_id}/chairs",
                "GET /halls/{hall_id}"}  # fmt: skip


@pytest.fixture
def program(stack, accounts):
    manager = accounts.staff({"screenings:manage", "movies:create"})
    screening = Catalog(stack, manager.token).screening()
    return screening


def test_the_program_is_public_and_nothing_else_that_was_not(stack):
    public = {route for route, needed in permissions.ROUTES.items() if needed == permissions.PUBLIC}
    assert public >= PUBLIC_READS
    others = public - PUBLIC_READS
    assert others == {
        "GET /.well-known/openid-configuration",
        "GET /.well-known/jwks.json",
        "POST /auth/register",
        "POST /auth/signup",
        "POST /auth/login",
    }


def test_a_visitor_reads_the_program_and_the_seat_map_without_a_token(stack, program):
    screening_id = program["screening_id"]
    buyer = customer("someone")
    Booking(stack, screening_id).hold(buyer, ["A-1"])

    venues = stack.api.get("/venues")
    assert venues.status == 200 and [venue["venue_id"] for venue in venues.body["items"]] == ["main"]
    listed = stack.api.get("/screenings")
    assert listed.status == 200 and [item["screening_id"] for item in listed.body["items"]] == [screening_id]
    one = stack.api.get(f"/screenings/{screening_id}")
    assert one.status == 200 and one.body["starts_at_local"] and one.body["timezone"] == "Europe/Berlin"
    movie = stack.api.get(f"/movies/{program['movie_id']}")
    assert movie.status == 200 and stack.api.get("/movies").status == 200
    assert stack.api.get(f"/halls/{one.body['hall_id']}").status == 200
    seats = stack.api.get(f"/screenings/{screening_id}/chairs")
    assert seats.status == 200
    held = next(chair for chair in seats.body["items"] if chair["chair_id"] == "A-1")
    assert held["status"] == "HELD"
    # What a customer sees, never whose hold it is.
    text = seats.text
    assert buyer["sub"] not in text and "order" not in text.lower() and buyer["username"] not in text


def test_holding_still_needs_an_account(stack, program):
    answer = stack.api.post("/orders", {"screening_id": program["screening_id"], "chairs": ["A-2"]})
    assert answer.status == 401
    assert stack.api.get("/orders").status == 401
    assert stack.api.get("/halls").status == 401


def test_an_address_reading_too_much_is_told_when_to_come_back_and_others_are_not(stack, program):
    path = f"/screenings/{program['screening_id']}/chairs"
    for _ in range(READS_PER_WINDOW):
        assert stack.api.get(path, client_address="203.0.113.7").status == 200
    refused = stack.api.get(path, client_address="203.0.113.7")
    assert refused.status == 429 and refused.body["code"] == "TOO_MANY_READS", refused
    assert 1 <= int(refused.headers["Retry-After"]) <= WINDOW_SECONDS
    # Counted per function environment (boxoffice.public_reads): another function's reads are its own.
    assert stack.api.get("/venues", client_address="203.0.113.7").status == 200
    assert stack.api.get(path, client_address="203.0.113.8").status == 200  # another address is not affected
    clock.advance(WINDOW_SECONDS)
    assert stack.api.get(path, client_address="203.0.113.7").status == 200
