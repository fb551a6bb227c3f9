"""Refunding some chairs of an order: the money, the tickets and the seat map agree, and nothing is refunded twice."""

from __future__ import annotations

import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer, make_screening, refunds, staff
from tools.factories import DOOR_PERMISSIONS, staff_context

PREMIUM, STANDARD = 1800, 1000  # row A is premium in this hall


@pytest.fixture
def booking(stack):
    return Booking(stack, make_screening(stack, hours_from_now=48, premium_row="A", price_classes={"premium": PREMIUM}))


@pytest.fixture
def paid(booking):
    """Alice's paid order: a premium chair and two standard ones."""
    alice = customer("alice")
    order = booking.hold(alice, ["A-1", "B-1", "B-2"]).body
    assert order["amount_cents"] == PREMIUM + 2 * STANDARD, order
    answer = booking.pay(alice, order)
    assert answer.status == 200, answer
    return alice, answer.body


def test_refunding_one_chair_returns_its_own_price_frees_it_and_voids_its_ticket_only(stack, booking, paid, aws):
    alice, order = paid
    answer = booking.refund(alice, order["order_id"], chairs=["A-1"])
    assert answer.status == 200, answer
    assert answer.body["status"] == "PAID", "the other chairs are still sold"
    assert answer.body["refunded_chairs"] == ["A-1"] and answer.body["refunded_cents"] == PREMIUM
    assert [entry["amount_cents"] for entry in refunds(aws)] == [PREMIUM]
    assert {chair: booking.statuses()[chair] for chair in ("A-1", "B-1", "B-2")} == {
        "A-1": "AVAILABLE", "B-1": "SOLD", "B-2": "SOLD"}  # fmt: skip
    voided = {ticket["chair"]: ticket["refunded_at"] is not None for ticket in answer.body["tickets"]}
    assert voided == {"A-1": True, "B-1": False, "B-2": False}

    door = staff_context("door", DOOR_PERMISSIONS)
    codes = {ticket["chair"]: ticket["code"] for ticket in answer.body["tickets"]}

    def scan(chair):
        return stack.call(
            "CheckInFunction", identity=door, path={"code": codes[chair]}, body={"screening_id": booking.screening_id}
        )

    assert scan("A-1").body["code"] == "TICKET_NOT_VALID"
    assert scan("B-1").status == 200
    attendance = stack.call("GetAttendanceFunction", identity=door, path={"screening_id": booking.screening_id})
    assert attendance.body["sold"] == 2 and attendance.body["checked_in"] == 1

    assert booking.hold(customer(), ["A-1"]).status == 201, "the refunded chair can be sold again"


def test_the_rest_refunded_without_a_body_ends_the_order_and_the_money_adds_up(booking, paid, aws):
    alice, order = paid
    booking.refund(alice, order["order_id"], chairs=["B-2"])
    rest = booking.refund(alice, order["order_id"])
    assert rest.status == 200 and rest.body["status"] == "REFUNDED", rest
    assert sorted(rest.body["refunded_chairs"]) == ["A-1", "B-1", "B-2"]
    assert rest.body["refunded_cents"] == order["amount_cents"]
    assert sorted(entry["amount_cents"] for entry in refunds(aws)) == [STANDARD, PREMIUM + STANDARD]
    assert sum(entry["amount_cents"] for entry in refunds(aws)) == order["amount_cents"], "never more than was paid"
    assert all(booking.statuses()[chair] == "AVAILABLE" for chair in ("A-1", "B-1", "B-2"))


def test_asking_again_answers_the_same_and_refunds_nothing_more(booking, paid, aws):
    alice, order = paid
    first = booking.refund(alice, order["order_id"], chairs=["B-1"])
    again = booking.refund(alice, order["order_id"], chairs=["B-1"])
    assert again.status == 200 and again.body == first.body
    assert len(refunds(aws)) == 1
    overlapping = booking.refund(alice, order["order_id"], chairs=["B-1", "B-2"])
    assert overlapping.status == 409 and overlapping.body["code"] == "ALREADY_REFUNDED"
    assert overlapping.body["details"]["chairs"] == ["B-1"]
    assert len(refunds(aws)) == 1 and booking.statuses()["B-2"] == "SOLD", "a refusal changes nothing"


@pytest.mark.parametrize(
    ("chairs", "status", "code"),
    [
        (["C-9"], 422, "CHAIRS_NOT_IN_ORDER"),
        (["A-1", "Z-1"], 422, "CHAIRS_NOT_IN_ORDER"),
        ([], 422, "VALIDATION_FAILED"),
        (["not a chair"], 422, "VALIDATION_FAILED"),
    ],
)
def test_a_refund_of_chairs_not_in_the_order_is_refused_and_changes_nothing(booking, paid, aws, chairs, status, code):
    alice, order = paid
    answer = booking.refund(alice, order["order_id"], chairs=chairs)
    assert (answer.status, answer.body["code"]) == (status, code), answer
    assert refunds(aws) == [] and booking.statuses()["A-1"] == "SOLD"


def test_a_provider_outage_leaves_the_refund_pending_and_a_retry_finishes_it_once(booking, paid, aws, monkeypatch):
    alice, order = paid
    # The refund function's own copy of the layer (each function imports it in its own environment).
    simulated = booking.stack.module("RefundOrderFunction", "boxoffice.payments.simulated")
    unavailable = booking.stack.module("RefundOrderFunction", "boxoffice.payments.provider").ProviderUnavailableError
    original = simulated.SimulatedProvider.refund

    def down(self, **kwargs):
        raise unavailable("down")

    monkeypatch.setattr(simulated.SimulatedProvider, "refund", down)
    pending = booking.refund(alice, order["order_id"], chairs=["A-1"])
    assert pending.status == 503 and pending.body["code"] == "REFUND_PENDING"
    assert booking.statuses()["A-1"] == "AVAILABLE", "the chair is given back at once"
    monkeypatch.setattr(simulated.SimulatedProvider, "refund", original)
    done = booking.refund(alice, order["order_id"], chairs=["A-1"])
    assert done.status == 200 and done.body["refunded_cents"] == PREMIUM
    assert [entry["amount_cents"] for entry in refunds(aws)] == [PREMIUM]


def test_customers_refund_chairs_until_the_cutoff_and_staff_after(make_stack, aws):
    stack = make_stack(RefundCutoffMinutes="60")
    booking = Booking(stack, make_screening(stack, hours_from_now=2))
    alice = customer("alice")
    order = booking.pay(alice, booking.hold(alice, ["A-1", "A-2"]).body).body
    assert booking.refund(alice, order["order_id"], chairs=["A-1"]).status == 200
    clock.advance(int(1.5 * 3600))
    closed = booking.refund(alice, order["order_id"], chairs=["A-2"])
    assert closed.status == 409 and closed.body["code"] == "REFUND_WINDOW_CLOSED"
    assert booking.refund(staff(), order["order_id"], chairs=["A-2"]).body["status"] == "REFUNDED"
