"""Halls over time: renamed and laid out anew for later screenings, deleted only when nothing is to come;
numbered rows, wheelchair spaces and companion seats on the seat map."""

from __future__ import annotations

import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer
from tests.component.catalog_helpers import Catalog


@pytest.fixture
def admin(accounts):
    return accounts.admin()


@pytest.fixture
def catalog(stack, admin):
    return Catalog(stack, admin.token)


def test_numbered_rows_accessible_and_companion_seats_reach_the_seat_map(stack, catalog):
    hall = stack.api.post(
        "/halls",
        {
            "name": "Numbered",
            "rows": [
                {"label": "1", "seats": 6, "gaps": [3], "accessible": [1, 2], "companion": [4]},
                {"label": "2", "seats": 4},
                {"label": "10", "seats": 2},
            ],
        },
        token=catalog.token,
    ).body
    assert hall["rows"][0]["accessible"] == [1, 2] and hall["rows"][0]["companion"] == [4]
    screening = catalog.screening(hall_id=hall["hall_id"])
    booking = Booking(stack, screening["screening_id"])
    chairs = {chair["chair_id"]: chair for chair in booking.seat_map(limit="100").body["items"]}
    assert list(chairs) == ["1-1", "1-2", "1-4", "1-5", "1-6", "2-1", "2-2", "2-3", "2-4", "10-1", "10-2"]
    assert chairs["1-1"]["features"] == ["accessible"] and chairs["1-4"]["features"] == ["companion"]
    assert chairs["2-1"]["features"] == []
    held = booking.hold(customer(), ["10-2", "1-4"])
    assert held.status == 201, held


@pytest.mark.parametrize(
    "row",
    [
        {"label": "1", "seats": 4, "accessible": [5]},
        {"label": "1", "seats": 4, "gaps": [2], "accessible": [2]},
        {"label": "1", "seats": 4, "companion": [1, 1]},
        {"label": "01", "seats": 4},
        {"label": "A1", "seats": 4},
    ],
)
def test_a_bad_row_is_a_422(stack, catalog, row):
    answer = stack.api.post("/halls", {"name": "Bad", "rows": [row]}, token=catalog.token)
    assert answer.status == 422 and answer.body["code"] == "VALIDATION_FAILED", answer


def test_a_new_layout_applies_only_to_screenings_created_afterwards(stack, catalog):
    hall = catalog.hall(rows=1, seats=4)
    before = catalog.screening(hall_id=hall["hall_id"], hours_from_now=48)
    changed = stack.api.put(
        f"/halls/{hall['hall_id']}",
        {"name": "Hall One, rebuilt", "rows": [{"label": "A", "seats": 2}, {"label": "B", "seats": 3}]},
        token=catalog.token,
    )
    assert changed.status == 200, changed
    assert changed.body["name"] == "Hall One, rebuilt" and changed.body["chair_count"] == 5
    after = catalog.screening(hall_id=hall["hall_id"], hours_from_now=72)
    old_map = Booking(stack, before["screening_id"]).seat_map(limit="100").body["items"]
    new_map = Booking(stack, after["screening_id"]).seat_map(limit="100").body["items"]
    assert [chair["chair_id"] for chair in old_map] == ["A-1", "A-2", "A-3", "A-4"]
    assert [chair["chair_id"] for chair in new_map] == ["A-1", "A-2", "B-1", "B-2", "B-3"]
    renamed = stack.api.put(f"/halls/{hall['hall_id']}", {"name": "Hall Two"}, token=catalog.token)
    assert renamed.body["name"] == "Hall Two" and renamed.body["chair_count"] == 5
    names = [h["name"] for h in stack.api.get("/halls", token=catalog.token, query={"limit": 100}).body["items"]]
    assert "Hall Two" in names and "Hall One, rebuilt" not in names


def test_an_update_must_say_something_and_the_hall_must_exist(stack, catalog):
    hall = catalog.hall()
    assert stack.api.put(f"/halls/{hall['hall_id']}", {}, token=catalog.token).status == 422
    missing = stack.api.put("/halls/nope", {"name": "X"}, token=catalog.token)
    assert missing.status == 404


def test_a_hall_with_screenings_to_come_cannot_be_deleted_until_they_are_over(stack, catalog, accounts, admin):
    hall = catalog.hall()
    screening = catalog.screening(hall_id=hall["hall_id"], hours_from_now=2)
    refused = stack.api.delete(f"/halls/{hall['hall_id']}", token=catalog.token)
    assert refused.status == 409 and refused.body["code"] == "HALL_IN_USE"
    assert refused.body["details"]["screening_id"] == screening["screening_id"]
    clock.advance(2 * 3600 + 4 * 3600)  # the screening (and its cleaning time) is over
    catalog.token = accounts.login(admin.username)  # a new session: the first one has ended meanwhile
    assert stack.api.delete(f"/halls/{hall['hall_id']}", token=catalog.token).status == 204
    assert stack.api.get(f"/halls/{hall['hall_id']}", token=catalog.token).status == 404
    assert stack.api.delete(f"/halls/{hall['hall_id']}", token=catalog.token).status == 404
    unused = catalog.hall()
    assert stack.api.delete(f"/halls/{unused['hall_id']}", token=catalog.token).status == 204
