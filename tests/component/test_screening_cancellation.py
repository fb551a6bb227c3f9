"""Cancelling a screening: no new holds at once; then every hold cancelled and every sale refunded, exactly
once, in the background, whatever crashes on the way."""

from __future__ import annotations

import contextlib
import time
from collections import Counter

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from boxoffice.clock import clock
from local.runtime import FunctionError
from tests.component.booking_helpers import Booking, charges, customer, make_screening, refunds, staff
from tests.component.test_faults import FAULTS, Faults
from tests.profiles import examples
from tools.factories import MANAGER_PERMISSIONS, row_label, staff_context

manager = staff_context("manager", MANAGER_PERMISSIONS)
FINAL_PASS = 121  # past boxoffice.payments.settlement.FINAL_PASS_SECONDS


def cancel(stack, screening_id, reason="The projector broke"):
    return stack.call(
        "CancelScreeningFunction", identity=manager, path={"screening_id": screening_id}, body={"reason": reason}
    )


def settle(stack):
    return stack.invoke("SettleScreeningsFunction", {"detail-type": "Scheduled Event", "source": "aws.scheduler"})


def screening(stack, screening_id):
    return stack.call("GetScreeningFunction", identity=manager, path={"screening_id": screening_id}).body


def assert_each_charge_refunded_once_and_in_full(aws):
    refunded = Counter()
    for entry in refunds(aws):
        refunded[entry["charge_id"]] += entry["amount_cents"]
    for charge in charges(aws):
        assert refunded[charge["reference"]] == charge["amount_cents"], charge
    keys = [entry["idempotency_key"] for entry in refunds(aws)]
    assert len(keys) == len(set(keys)), "no refund made twice"


@pytest.fixture
def booking(stack):
    return Booking(stack, make_screening(stack, rows=2, seats=10, hours_from_now=24))


def test_a_cancelled_screening_takes_no_new_holds_and_settles_every_kind_of_order_once(stack, booking, aws):
    alice, bob, carl, dora = (customer(name) for name in ("alice", "bob", "carl", "dora"))
    held = booking.hold(alice, ["A-1", "A-2"]).body
    paid = booking.pay(bob, booking.hold(bob, ["A-3"]).body).body
    partly = booking.pay(carl, booking.hold(carl, ["B-1", "B-2", "B-3"]).body).body
    assert booking.refund(carl, partly["order_id"], chairs=["B-2"]).status == 200
    at_the_counter = booking.pay(staff(), booking.hold(staff(), ["B-9"]).body, "cash").body

    answer = cancel(stack, booking.screening_id)
    assert answer.status == 202, answer
    assert answer.body["status"] == "CANCELLED" and answer.body["cancel_reason"] == "The projector broke"
    refused = booking.hold(dora, ["A-5"])
    assert refused.status == 409 and refused.body["code"] == "SCREENING_CANCELLED"
    assert cancel(stack, booking.screening_id).status == 202, "cancelling again answers the same"

    report = settle(stack)
    assert (report["cancelled"], report["refunded"], report["failed"]) == (1, 3, 0), report
    for who, order, status in (
        (alice, held, "CANCELLED"),
        (bob, paid, "REFUNDED"),
        (carl, partly, "REFUNDED"),
        (staff(), at_the_counter, "REFUNDED"),
    ):
        now = booking.order(who, order["order_id"]).body
        assert (now["status"], now["reason"]) == (status, "SCREENING_CANCELLED"), now
        if status == "REFUNDED":
            assert now["refunded_cents"] == now["amount_cents"]
    assert_each_charge_refunded_once_and_in_full(aws)
    assert set(booking.statuses().values()) == {"AVAILABLE"}
    progress = screening(stack, booking.screening_id)
    assert progress["orders_to_settle"] == 0 and progress["settled_at"] is None, "a last look comes later"

    clock.advance(FINAL_PASS)
    assert settle(stack)["finished"] == [booking.screening_id]
    assert screening(stack, booking.screening_id)["settled_at"] is not None
    assert settle(stack)["screenings"] == 0, "nothing left to do"
    assert_each_charge_refunded_once_and_in_full(aws)


def test_a_payment_under_way_when_the_screening_is_cancelled_is_refunded_once(stack, booking, aws, monkeypatch):
    erin = customer("erin")
    order = booking.hold(erin, ["A-7"]).body
    simulated = stack.module("PayOrderFunction", "boxoffice.payments.simulated")
    original_charge = simulated.SimulatedProvider.charge

    def charge_while_the_screening_is_cancelled(provider, **kwargs):
        charged = original_charge(provider, **kwargs)
        cancel(stack, booking.screening_id)
        settle(stack)  # the settler cancels the hold before the sale can be recorded
        return charged

    monkeypatch.setattr(simulated.SimulatedProvider, "charge", charge_while_the_screening_is_cancelled)
    answer = booking.pay(erin, order)
    assert answer.status == 409 and answer.body["code"] == "SCREENING_CANCELLED", answer
    assert answer.body["details"] == {"refunded": True}
    assert booking.order(erin, order["order_id"]).body["status"] == "CANCELLED"
    assert_each_charge_refunded_once_and_in_full(aws)


def test_a_screening_is_not_settled_while_the_provider_is_down_and_is_once_it_returns(stack, booking, aws, monkeypatch):
    """The provider refuses every refund until well past the last look: the screening stays pending with its
    order left to settle (REFUND_PENDING), however many runs pass; when the provider returns, the next run
    refunds once and only then marks the screening settled."""
    bob = customer("bob")
    order = booking.pay(bob, booking.hold(bob, ["A-3", "A-4"]).body).body
    provider = stack.module("SettleScreeningsFunction", "boxoffice.payments.simulated").SimulatedProvider
    working_refund = provider.refund
    unavailable = stack.module("SettleScreeningsFunction", "boxoffice.payments.provider").ProviderUnavailableError

    def provider_down(self, **kwargs):
        raise unavailable("the provider does not answer")

    monkeypatch.setattr(provider, "refund", provider_down)
    assert cancel(stack, booking.screening_id).status == 202
    for _ in range(3):
        report = settle(stack)
        assert report["failed"] == 1 and report["finished"] == [], report
        clock.advance(FINAL_PASS)
    progress = screening(stack, booking.screening_id)
    assert progress["settled_at"] is None and progress["orders_to_settle"] == 1, progress
    assert refunds(aws) == [], "nothing reached the provider"
    assert booking.statuses()["A-3"] == "AVAILABLE", "the chairs are free while the money is on its way"

    monkeypatch.setattr(provider, "refund", working_refund)
    assert settle(stack)["finished"] == [booking.screening_id]
    settled = booking.order(bob, order["order_id"]).body
    assert settled["status"] == "REFUNDED" and settled["refunded_cents"] == settled["amount_cents"]
    assert screening(stack, booking.screening_id)["settled_at"] is not None
    assert_each_charge_refunded_once_and_in_full(aws)
    assert len(refunds(aws)) == 1


def test_a_run_that_runs_out_of_time_leaves_the_screening_pending_for_the_next(stack, booking, aws, monkeypatch):
    """The run stops taking orders with less than 10 s left: the orders it did not reach keep the screening
    pending (even past the last look), and the next run settles them and only then the screening."""
    payers = [customer(name) for name in ("bob", "carl", "dora")]
    for seat, who in enumerate(payers, start=1):
        booking.pay(who, booking.hold(who, [f"A-{seat}"]).body)
    assert cancel(stack, booking.screening_id).status == 202
    clock.advance(FINAL_PASS)
    settlement = stack.module("SettleScreeningsFunction", "boxoffice.payments.settlement")
    whole_pass = settlement.settle

    def a_pass_with_time_for_one_order(screening_item, time_left, report):
        seconds_left = iter([60.0])  # the first order has time; then 5 s are left
        return whole_pass(screening_item, lambda: next(seconds_left, 5.0), report)

    monkeypatch.setattr(settlement, "settle", a_pass_with_time_for_one_order)
    report = settle(stack)
    assert (report["refunded"], report["finished"]) == (1, []), report
    progress = screening(stack, booking.screening_id)
    assert progress["settled_at"] is None and progress["orders_to_settle"] == 2, progress

    monkeypatch.setattr(settlement, "settle", whole_pass)
    report = settle(stack)
    assert (report["refunded"], report["finished"]) == (2, [booking.screening_id]), report
    assert_each_charge_refunded_once_and_in_full(aws)
    assert len(refunds(aws)) == 3


@pytest.mark.parametrize("fault_name", sorted(FAULTS))
def test_a_settlement_crashing_at_any_request_is_finished_by_the_next_run(stack, aws, fault_name):
    def scenario():
        booking = Booking(stack, make_screening(stack, rows=1, seats=6, hours_from_now=24))
        frank, gina = customer(), customer()
        booking.hold(frank, ["A-1"])
        booking.pay(gina, booking.hold(gina, ["A-2", "A-3"]).body)
        assert cancel(stack, booking.screening_id).status == 202
        return booking

    with Faults() as faults:
        scenario()
        steps = faults.count(lambda: settle(stack))
        clock.advance(FINAL_PASS)
        settle(stack)  # finish the measured one
        assert steps >= 8
        for nth in range(1, steps + 1):
            booking = scenario()
            faults.arm(nth, FAULTS[fault_name])
            with contextlib.suppress(FunctionError):
                settle(stack)
            faults.arm(0, FAULTS[fault_name])
            clock.advance(FINAL_PASS)
            for _ in range(3):  # the next runs (each minute) finish it
                settle(stack)
            statuses = {
                order["status"] for order in booking.orders(staff(), screening_id=booking.screening_id).body["items"]
            }
            assert statuses == {"CANCELLED", "REFUNDED"}, (nth, statuses)
            assert screening(stack, booking.screening_id)["settled_at"] is not None, nth
    assert_each_charge_refunded_once_and_in_full(aws)


def test_only_managers_cancel_and_a_reason_is_required(stack, booking):
    for who in (customer(), staff()):
        refused = stack.call(
            "CancelScreeningFunction", identity=who, path={"screening_id": booking.screening_id}, body={"reason": "x"}
        )
        assert refused.status == 403
    no_reason = stack.call(
        "CancelScreeningFunction", identity=manager, path={"screening_id": booking.screening_id}, body={}
    )
    assert no_reason.status == 422
    assert cancel(stack, "no-such-screening").status == 404
    clock.advance(30 * 3600)
    over = cancel(stack, booking.screening_id)
    assert over.status == 409 and over.body["code"] == "SCREENING_OVER"


@pytest.mark.slow
@pytest.mark.parametrize("rows", [3, 30])
def test_a_full_screening_of_300_or_3000_chairs_is_settled_within_one_run(make_stack, aws, aws_calls, rows):
    """Sales of 40 chairs fill the hall: one settlement run (5 minutes at most) refunds them all, a bounded
    number of requests per order."""
    stack = make_stack(MaxChairsPerOrder="40")
    booking = Booking(stack, make_screening(stack, rows=rows, seats=100, hours_from_now=24))
    seller = staff()
    every_chair = [f"{row_label(row)}-{seat}" for row in range(rows) for seat in range(1, 101)]
    for start in range(0, len(every_chair), 40):
        order = booking.hold(seller, every_chair[start : start + 40]).body
        assert booking.pay(seller, order).status == 200
    orders = len(range(0, len(every_chair), 40))
    assert cancel(stack, booking.screening_id).status == 202
    aws_calls.reset()
    started = time.perf_counter()
    report = settle(stack)
    seconds = time.perf_counter() - started  # reported, never asserted: the machine may be busy
    assert report["refunded"] == orders and report["failed"] == 0, report
    requests = aws_calls.total("dynamodb")
    print(f"\n{len(every_chair)} chairs, {orders} orders settled in one run: {requests} DynamoDB requests, "
          f"{seconds:.1f} s under moto")  # fmt: skip
    assert requests <= orders * 5 + 10, f"{requests} DynamoDB requests for {orders} orders"
    assert set(booking.statuses().values()) == {"AVAILABLE"}
    assert_each_charge_refunded_once_and_in_full(aws)


@pytest.mark.model
@given(
    plan=st.lists(
        st.tuples(st.sampled_from(["hold", "pay", "refund_some", "pay_cash"]), st.integers(0, 5)),
        min_size=1,
        max_size=8,
    ),
    crash_at=st.integers(1, 40),
    fault_name=st.sampled_from(sorted(FAULTS)),
)
# function_scoped_fixture: the examples share one stack on purpose; each makes its own screening and checks
# only that screening's orders, so what earlier examples left changes nothing it asserts.
@settings(
    max_examples=examples("settlement_model"),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_mix_of_orders_is_settled_exactly_once_whatever_request_fails(stack, aws, plan, crash_at, fault_name):
    """Model-based: random holds, payments (provider and cash) and partial refunds, a cancellation, a
    settlement run that fails at a random request, then the next runs: every order ends settled, once."""
    booking = Booking(stack, make_screening(stack, rows=1, seats=12, hours_from_now=24))
    seller = staff()
    orders: list[tuple[dict, dict]] = []  # (who, order)
    free = [f"A-{seat}" for seat in range(1, 13)]
    for action, pick in plan:
        if action == "hold" and free:
            who = customer()
            answer = booking.hold(who, [free.pop(0)])
            orders.append((who, answer.body))
        elif action in ("pay", "pay_cash") and orders:
            who, order = orders[pick % len(orders)]
            payer = seller if action == "pay_cash" else who
            booking.pay(payer, order, "cash" if action == "pay_cash" else "tok_ok", key=f"k-{order['order_id']}")
        elif action == "refund_some" and orders:
            who, order = orders[pick % len(orders)]
            booking.refund(seller, order["order_id"], chairs=order["chairs"][:1])
    assert cancel(stack, booking.screening_id).status == 202
    with Faults() as faults:
        faults.arm(crash_at, FAULTS[fault_name])
        with contextlib.suppress(FunctionError):
            settle(stack)
        faults.arm(0, FAULTS[fault_name])
    clock.advance(FINAL_PASS)
    for _ in range(3):
        settle(stack)
    for _who, order in orders:
        final = booking.order(seller, order["order_id"]).body
        assert final["status"] in ("CANCELLED", "REFUNDED"), final
        if final["status"] == "REFUNDED":
            assert final["refunded_cents"] == final["amount_cents"], final
    assert set(booking.statuses().values()) == {"AVAILABLE"}
    assert screening(stack, booking.screening_id)["settled_at"] is not None
    assert_each_charge_refunded_once_and_in_full(aws)
