"""Rescheduling: the hall must be free at the new time; ticket holders keep their chairs and their orders show
the new time; new prices apply to holds made afterwards and reach the seat map."""

from __future__ import annotations

import pytest

from boxoffice.clock import clock, iso
from tests.component.booking_helpers import Booking, customer, refunds
from tests.component.catalog_helpers import Catalog, at
from tests.component.test_screening_cancellation import FINAL_PASS, cancel, settle
from tools.factories import MANAGER_PERMISSIONS, staff_context

manager = staff_context("manager", MANAGER_PERMISSIONS)


@pytest.fixture
def admin(accounts):
    return accounts.admin()


@pytest.fixture
def catalog(stack, admin):
    return Catalog(stack, admin.token)


def change(stack, screening_id, **body):
    return stack.call("UpdateScreeningFunction", identity=manager, path={"screening_id": screening_id}, body=body)


def test_ticket_holders_keep_their_chairs_and_see_the_new_time(stack, catalog):
    hall = catalog.hall(rows=1, seats=6)
    screening = catalog.screening(hall_id=hall["hall_id"], hours_from_now=24)
    booking = Booking(stack, screening["screening_id"])
    alice, bob = customer("alice"), customer("bob")
    paid = booking.pay(alice, booking.hold(alice, ["A-1", "A-2"]).body).body
    held = booking.hold(bob, ["A-3"]).body

    later = at(30)
    moved = change(stack, screening["screening_id"], starts_at=later)
    assert moved.status == 200, moved
    assert moved.body["starts_at"] == iso(clock.time() + 30 * 3600)
    settle(stack)
    for who, order in ((alice, paid), (bob, held)):
        assert booking.order(who, order["order_id"]).body["starts_at"] == moved.body["starts_at"]
    assert booking.statuses()["A-1"] == "SOLD" and booking.statuses()["A-3"] == "HELD"
    assert booking.order(alice, paid["order_id"]).body["tickets"] == paid["tickets"], "the same tickets"
    clock.advance(FINAL_PASS)
    settle(stack)
    assert settle(stack)["screenings"] == 0, "done"


def test_the_hall_must_be_free_at_the_new_time(stack, catalog):
    hall = catalog.hall()
    first = catalog.screening(hall_id=hall["hall_id"], hours_from_now=24)
    second = catalog.screening(hall_id=hall["hall_id"], hours_from_now=48)
    clash = change(stack, first["screening_id"], starts_at=second["starts_at"])
    assert clash.status == 409 and clash.body["code"] == "SCREENING_OVERLAP"
    assert clash.body["details"]["screening_id"] == second["screening_id"]
    unchanged = stack.call("GetScreeningFunction", identity=manager, path={"screening_id": first["screening_id"]})
    assert unchanged.body["starts_at"] == first["starts_at"], "a refusal changes nothing"
    past = change(stack, first["screening_id"], starts_at=iso(clock.time() - 60))
    assert past.status == 422 and past.body["code"] == "STARTS_IN_THE_PAST"
    assert change(stack, first["screening_id"]).status == 422, "nothing to change"
    assert change(stack, "nope", price_cents=900).status == 404


def test_new_prices_apply_to_later_holds_and_reach_the_seat_map(stack, catalog):
    screening = catalog.screening(hours_from_now=24)
    booking = Booking(stack, screening["screening_id"])
    alice = customer("alice")
    before = booking.hold(alice, ["A-1"]).body
    assert change(stack, screening["screening_id"], price_cents=1500).status == 200
    after = booking.hold(customer("bob"), ["A-2"]).body
    assert (before["amount_cents"], after["amount_cents"]) == (screening["price_cents"], 1500)
    settle(stack)
    prices = {chair["chair_id"]: chair["price_cents"] for chair in booking.seat_map(limit="100").body["items"]}
    assert prices["A-5"] == 1500
    paid = booking.pay(alice, before).body
    assert paid["amount_cents"] == screening["price_cents"], "a hold keeps the price it was made at"


def test_a_cancelled_or_started_screening_cannot_be_rescheduled(stack, catalog):
    cancelled = catalog.screening(hours_from_now=24)
    assert cancel(stack, cancelled["screening_id"]).status == 202
    refused = change(stack, cancelled["screening_id"], price_cents=100)
    assert refused.status == 409 and refused.body["code"] == "SCREENING_CANCELLED"
    soon = catalog.screening(hours_from_now=1)
    clock.advance(2 * 3600)
    started = change(stack, soon["screening_id"], price_cents=100)
    assert started.status == 409 and started.body["code"] == "SCREENING_STARTED"


def test_a_screening_without_orders_moves_to_another_hall_and_its_seat_map_follows(stack, catalog):
    small, big = catalog.hall(rows=1, seats=4, name="Small"), catalog.hall(rows=2, seats=6, name="Big")
    screening = catalog.screening(hall_id=small["hall_id"], hours_from_now=24)
    booking = Booking(stack, screening["screening_id"])
    moved = change(stack, screening["screening_id"], hall_id=big["hall_id"])
    assert moved.status == 200, moved
    assert (moved.body["hall_name"], moved.body["chairs_ready"]) == ("Big", False)
    not_yet = booking.hold(customer(), ["B-1"])
    assert not_yet.status == 503 and not_yet.body["code"] == "NOT_READY", "no holds while the chairs move"
    settle(stack)
    chairs = [chair["chair_id"] for chair in booking.seat_map(limit="100").body["items"]]
    assert len(chairs) == 12 and "B-6" in chairs
    assert booking.hold(customer(), ["B-6"]).status == 201
    listed = stack.call("GetScreeningFunction", identity=manager, path={"screening_id": screening["screening_id"]})
    assert listed.body["chairs_ready"] is True and listed.body["hall_id"] == big["hall_id"]


def test_a_screening_with_orders_does_not_change_halls(stack, catalog):
    small, big = catalog.hall(rows=1, seats=4), catalog.hall(rows=2, seats=6)
    screening = catalog.screening(hall_id=small["hall_id"], hours_from_now=24)
    Booking(stack, screening["screening_id"]).hold(customer(), ["A-1"])
    refused = change(stack, screening["screening_id"], hall_id=big["hall_id"])
    assert refused.status == 409 and refused.body["code"] == "SCREENING_HAS_ORDERS"
    busy_elsewhere = catalog.screening(hall_id=big["hall_id"], hours_from_now=48)
    lone = catalog.screening(hall_id=small["hall_id"], hours_from_now=96)
    clash = change(stack, lone["screening_id"], hall_id=big["hall_id"], starts_at=busy_elsewhere["starts_at"])
    assert clash.status == 409 and clash.body["code"] == "SCREENING_OVERLAP"
    assert change(stack, lone["screening_id"], hall_id="nope").status == 404


def test_a_paid_order_that_slipped_into_a_hall_move_is_refunded_even_through_a_provider_outage(
    stack, catalog, aws, monkeypatch
):
    """A sale that committed just as its screening moved hall (here: the move's look at the chairs missed it) is
    refunded by the rebuild. While the provider is down the refund stays pending and the rebuild waits; the
    order is remembered though its chairs are gone, and refunded once when the provider returns."""
    small, big = catalog.hall(rows=1, seats=4, name="Small"), catalog.hall(rows=2, seats=6, name="Big")
    screening = catalog.screening(hall_id=small["hall_id"], hours_from_now=24)
    booking = Booking(stack, screening["screening_id"])
    bob = customer("bob")
    order = booking.pay(bob, booking.hold(bob, ["A-2"]).body).body
    chairs_at_the_move = stack.module("UpdateScreeningFunction", "boxoffice.booking.chairs")
    monkeypatch.setattr(chairs_at_the_move, "orders_on", lambda screening_id: set())
    assert change(stack, screening["screening_id"], hall_id=big["hall_id"]).status == 200
    provider = stack.module("SettleScreeningsFunction", "boxoffice.payments.simulated").SimulatedProvider
    unavailable = stack.module("SettleScreeningsFunction", "boxoffice.payments.provider").ProviderUnavailableError
    working_refund = provider.refund

    def provider_down(self, **kwargs):
        raise unavailable("the provider does not answer")

    monkeypatch.setattr(provider, "refund", provider_down)
    for _ in range(3):
        settle(stack)
        clock.advance(FINAL_PASS)
    assert refunds(aws) == []
    waiting = stack.call("GetScreeningFunction", identity=manager, path={"screening_id": screening["screening_id"]})
    assert waiting.body["chairs_ready"] is False, "the rebuild waits for the refund"

    monkeypatch.setattr(provider, "refund", working_refund)
    for _ in range(2):
        settle(stack)
    refunded = booking.order(bob, order["order_id"]).body
    assert (refunded["status"], refunded["reason"]) == ("REFUNDED", "SCREENING_MOVED")
    assert len(refunds(aws)) == 1 and refunds(aws)[0]["amount_cents"] == refunded["amount_cents"]
    ready = stack.call("GetScreeningFunction", identity=manager, path={"screening_id": screening["screening_id"]})
    assert ready.body["chairs_ready"] is True and ready.body["hall_id"] == big["hall_id"]
