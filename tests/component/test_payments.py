"""Paying exactly once with the confirmation id, tickets, refunds, and every way a payment can go wrong."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, charges, customer, ledger, make_screening, refunds, staff
from tests.harness import StackUnderTest


@pytest.fixture
def booking(stack):
    return Booking(stack, make_screening(stack, hours_from_now=48))


@pytest.fixture
def held(booking):
    alice = customer()
    order = booking.hold(alice, ["A-1", "A-2"]).body
    return alice, order


class SimulatedCrash(BaseException):
    """The function dies (timeout, out of memory): no Python code after it runs, no clean-up either."""


def test_paying_sells_the_chairs_and_issues_one_ticket_per_chair(booking, held, aws):
    alice, order = held
    paid = booking.pay(alice, order)
    assert paid.status == 200, paid
    assert paid.body["status"] == "PAID" and paid.body["paid_at"] and paid.body["expires_at"] is None
    tickets = paid.body["tickets"]
    assert [ticket["chair"] for ticket in tickets] == ["A-1", "A-2"]
    assert len({ticket["code"] for ticket in tickets}) == 2 and all(len(t["code"]) >= 22 for t in tickets)
    assert booking.order(alice, order["order_id"]).body == paid.body
    statuses = booking.statuses()
    assert statuses["A-1"] == statuses["A-2"] == "SOLD"
    assert len(charges(aws)) == 1 and charges(aws)[0]["amount_cents"] == order["amount_cents"]
    clock.advance(3600)
    assert booking.statuses()["A-1"] == "SOLD", "a sale does not lapse"
    assert booking.sweep()["expired"] == 0


def test_a_retried_payment_returns_the_first_answer_and_charges_once(booking, held, aws):
    alice, order = held
    first = booking.pay(alice, order, key="lost-response-1")
    again = booking.pay(alice, order, key="lost-response-1")
    assert first.status == again.status == 200
    assert again.body == first.body
    assert len(charges(aws)) == 1 and charges(aws)[0]["calls"] == 1, "the retry never reached the provider"


def test_the_same_key_with_another_body_is_a_422(booking, held):
    alice, order = held
    booking.pay(alice, order, key="one-key-0001")
    other = booking.pay(alice, order, method="tok_declined", key="one-key-0001")
    assert other.status == 422 and other.body["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_a_payment_needs_an_idempotency_key(stack, booking, held, aws):
    alice, order = held
    answer = stack.call(
        "PayOrderFunction",
        identity=alice,
        path={"order_id": order["order_id"]},
        body={"confirmation_id": order["confirmation_id"], "payment_method": "tok_ok"},
    )
    assert answer.status == 400 and answer.body["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert ledger(aws) == []


def test_a_wrong_confirmation_id_is_a_403_and_changes_nothing(booking, held, aws):
    alice, order = held
    answer = booking.pay(alice, order, confirmation_id="not-the-right-one")
    assert answer.status == 403 and answer.body["code"] == "WRONG_CONFIRMATION_ID"
    assert booking.order(alice, order["order_id"]).body["status"] == "HELD"
    assert ledger(aws) == []
    assert booking.pay(alice, order).status == 200, "the right one still works"


def test_someone_elses_order_is_a_404_and_charges_nothing(booking, held, aws):
    _, order = held
    answer = booking.pay(customer(), order)
    assert answer.status == 404
    assert ledger(aws) == []


def test_a_declined_card_is_a_402_the_hold_stays_and_another_card_works(booking, held, aws):
    alice, order = held
    declined = booking.pay(alice, order, method="tok_declined")
    assert declined.status == 402 and declined.body["code"] == "PAYMENT_DECLINED"
    assert booking.order(alice, order["order_id"]).body["status"] == "HELD"
    assert booking.statuses()["A-1"] == "HELD"
    assert charges(aws) == []
    assert booking.pay(alice, order, method="tok_ok").status == 200


def test_a_provider_failure_is_a_502_the_hold_stays_and_a_retry_works(booking, held, aws):
    alice, order = held
    failed = booking.pay(alice, order, method="tok_error")
    assert failed.status == 502 and failed.body["code"] == "PAYMENT_PROVIDER_FAILED"
    assert failed.headers.get("Retry-After")
    assert booking.order(alice, order["order_id"]).body["status"] == "HELD"
    assert charges(aws) == []
    assert booking.pay(alice, order, method="tok_ok").status == 200


def test_paying_a_paid_order_again_is_a_409_and_charges_nothing(booking, held, aws):
    alice, order = held
    booking.pay(alice, order, key="first-key-001")
    again = booking.pay(alice, order, key="second-key-02")
    assert again.status == 409 and again.body["code"] == "ALREADY_PAID"
    assert len(charges(aws)) == 1 and charges(aws)[0]["calls"] == 1


@pytest.mark.parametrize("b_key", ["racer-b-0001", "racer-a-0001"], ids=["another key", "the same key"])
def test_a_second_payment_while_one_is_charging_is_refused_before_any_charge(aws, booking, held, monkeypatch, b_key):
    """Environment A is charging when environment B's payment arrives, with another key or A's own: the live claim
    refuses B before the provider is called (the order is the idempotency record; there is no other)."""
    alice, order = held
    other_environment = StackUnderTest(aws)
    simulated = booking.stack.module("PayOrderFunction", "boxoffice.payments.simulated")
    original_charge = simulated.SimulatedProvider.charge
    answers = {}

    def charge_while_b_pays(provider, **kwargs):
        answers["b"] = booking.pay(alice, order, key=b_key, stack=other_environment)
        return original_charge(provider, **kwargs)

    monkeypatch.setattr(simulated.SimulatedProvider, "charge", charge_while_b_pays)
    answers["a"] = booking.pay(alice, order, key="racer-a-0001")
    assert answers["a"].status == 200 and answers["a"].body["status"] == "PAID"
    assert answers["b"].status == 409 and answers["b"].body["code"] == "PAYMENT_IN_PROGRESS"
    assert answers["b"].headers.get("Retry-After")
    assert len(charges(aws)) == 1 and charges(aws)[0]["calls"] == 1
    again = booking.pay(alice, order, key=b_key, stack=other_environment)
    if b_key == "racer-a-0001":
        assert again.status == 200 and again.body == answers["a"].body, "the same key gets the paid order"
    else:
        assert again.body["code"] == "ALREADY_PAID"


def test_paying_a_lapsed_hold_sells_nothing_and_charges_nothing(make_stack, aws):
    stack = make_stack(HoldSeconds="60")
    booking = Booking(stack, make_screening(stack))
    alice = customer()
    order = booking.hold(alice, ["A-1"]).body
    clock.advance(60)
    answer = booking.pay(alice, order)
    assert answer.status == 409 and answer.body["code"] == "HOLD_EXPIRED"
    assert ledger(aws) == []
    assert booking.hold(customer(), ["A-1"]).status == 201, "someone else can hold the chairs"


def test_a_hold_lapsing_during_the_charge_is_refunded_and_sells_nothing(make_stack, aws, monkeypatch):
    stack = make_stack(HoldSeconds="60")
    booking = Booking(stack, make_screening(stack))
    alice = customer()
    order = booking.hold(alice, ["A-1", "A-2"]).body
    simulated = stack.module("PayOrderFunction", "boxoffice.payments.simulated")
    original_charge = simulated.SimulatedProvider.charge

    def slow_charge(provider, **kwargs):
        clock.advance(61)  # the provider took longer than what was left of the hold
        return original_charge(provider, **kwargs)

    monkeypatch.setattr(simulated.SimulatedProvider, "charge", slow_charge)
    answer = booking.pay(alice, order)
    assert answer.status == 409 and answer.body["code"] == "HOLD_EXPIRED"
    assert answer.body["details"] == {"refunded": True}
    assert len(charges(aws)) == 1 and len(refunds(aws)) == 1
    assert refunds(aws)[0]["charge_id"] == charges(aws)[0]["reference"]
    assert booking.statuses()["A-1"] == "AVAILABLE"
    assert booking.hold(customer(), ["A-1"]).status == 201


@pytest.fixture
def quick_timeout_stack(aws):
    """A stack whose payment function times out after 1 s, so a crashed attempt's record lapses quickly."""
    stack = StackUnderTest(aws, {"HoldSeconds": "120"})
    spec = stack.specs["PayOrderFunction"]
    stack.runtime.specs["PayOrderFunction"] = dataclasses.replace(spec, timeout_seconds=1)
    return stack


def crash_after_the_charge(stack, monkeypatch) -> None:
    pay_module = stack.module("PayOrderFunction", "boxoffice.payments.pay")
    original_sell = pay_module._sell
    crashes = []

    def sell_or_die(*args, **kwargs):
        if not crashes:
            crashes.append(1)
            raise SimulatedCrash()
        return original_sell(*args, **kwargs)

    monkeypatch.setattr(pay_module, "_sell", sell_or_die)


def test_a_crash_after_the_charge_is_completed_by_the_retry_with_one_charge(quick_timeout_stack, aws, monkeypatch):
    booking = Booking(quick_timeout_stack, make_screening(quick_timeout_stack))
    alice = customer()
    order = booking.hold(alice, ["A-1"]).body
    crash_after_the_charge(quick_timeout_stack, monkeypatch)
    with pytest.raises(SimulatedCrash):
        booking.pay(alice, order, key="crashing-key-1")
    assert len(charges(aws)) == 1 and booking.order(alice, order["order_id"]).body["status"] == "HELD"
    busy = booking.pay(alice, order, key="crashing-key-1")
    assert busy.status == 409 and busy.body["code"] == "PAYMENT_IN_PROGRESS", "until the attempt would have timed out"
    clock.advance(2)  # past the crashed attempt's timeout
    retried = booking.pay(alice, order, key="crashing-key-1")
    assert retried.status == 200 and retried.body["status"] == "PAID"
    assert len(charges(aws)) == 1 and charges(aws)[0]["calls"] == 2, "the provider returned the same charge"
    assert refunds(aws) == []


def test_a_crash_after_the_charge_then_a_lapsed_hold_is_refunded_by_the_retry(quick_timeout_stack, aws, monkeypatch):
    booking = Booking(quick_timeout_stack, make_screening(quick_timeout_stack))
    alice = customer()
    order = booking.hold(alice, ["A-1"]).body
    crash_after_the_charge(quick_timeout_stack, monkeypatch)
    with pytest.raises(SimulatedCrash):
        booking.pay(alice, order, key="crashing-key-2")
    clock.advance(121)
    answer = booking.pay(alice, order, key="crashing-key-2")
    assert answer.status == 409 and answer.body["code"] == "HOLD_EXPIRED"
    assert len(charges(aws)) == 1 and len(refunds(aws)) == 1, "never a charge without a sale"


def test_a_crash_after_the_charge_nobody_retries_is_refunded_by_the_sweeper(quick_timeout_stack, aws, monkeypatch):
    booking = Booking(quick_timeout_stack, make_screening(quick_timeout_stack))
    alice = customer()
    order = booking.hold(alice, ["A-1"]).body
    crash_after_the_charge(quick_timeout_stack, monkeypatch)
    with pytest.raises(SimulatedCrash):
        booking.pay(alice, order, key="crashing-key-3")
    clock.advance(121)
    assert booking.sweep()["expired"] == 1
    assert len(charges(aws)) == 1 and len(refunds(aws)) == 1
    assert booking.sweep()["expired"] == 0 and len(refunds(aws)) == 1


def test_a_customer_refunds_until_the_cutoff_and_staff_any_time(make_stack, aws):
    stack = make_stack(RefundCutoffMinutes="120")
    booking = Booking(stack, make_screening(stack, hours_from_now=5))
    alice = customer()
    first = booking.hold(alice, ["A-1"]).body
    second = booking.hold(alice, ["A-2"]).body
    booking.pay(alice, first)
    booking.pay(alice, second)

    refunded = booking.refund(alice, first["order_id"])
    assert refunded.status == 200 and refunded.body["status"] == "REFUNDED" and refunded.body["refunded_at"]
    assert booking.statuses()["A-1"] == "AVAILABLE"
    assert booking.refund(alice, first["order_id"]).body == refunded.body, "refunding twice answers the same"
    assert len(refunds(aws)) == 1
    assert booking.hold(customer(), ["A-1"]).status == 201

    clock.advance(3 * 3600 + 1)  # now less than two hours before the screening
    late = booking.refund(alice, second["order_id"])
    assert late.status == 409 and late.body["code"] == "REFUND_WINDOW_CLOSED"
    assert booking.refund(customer(), second["order_id"]).status == 404
    assert booking.refund(staff(), second["order_id"]).body["status"] == "REFUNDED"
    assert len(refunds(aws)) == 2


def test_only_paid_orders_are_refunded(booking, held):
    alice, order = held
    answer = booking.refund(alice, order["order_id"])
    assert answer.status == 409 and answer.body["code"] == "NOT_PAID"


def test_a_box_office_sale_to_a_member_records_their_watch_history(stack, booking):
    member = stack.call("CreateMemberFunction", body={"name": "Mo", "email": "mo@example.com", "city": "Lima"}).body
    clerk = staff()
    order = booking.hold(clerk, ["B-1", "B-2"], member_id=member["member_id"]).body
    assert booking.pay(clerk, order).status == 200
    history = stack.call("ListSubscriptionsFunction", query={"member_id": member["member_id"]}).body["items"]
    assert len(history) == 1
    assert history[0]["source"] == "sale" and history[0]["order_id"] == order["order_id"]
    assert history[0]["date"] == order["starts_at"][:10]
    assert booking.refund(clerk, order["order_id"]).status == 200
    assert stack.call("ListSubscriptionsFunction", query={"member_id": member["member_id"]}).body["items"] == []


def test_the_request_budget_of_paying(booking, held, aws_calls):
    alice, order = held
    aws_calls.reset()
    assert booking.pay(alice, order).status == 200
    ours = [
        operation
        for service, operation, params in aws_calls.log
        if service == "dynamodb" and params.get("TableName") != "PaymentLedgerTable"
    ]
    # the claim (also the only read), the sale, and the quota entry dropped after it (it lapses on its own anyway)
    assert ours == ["UpdateItem", "TransactWriteItems", "UpdateItem"]


def test_a_retry_after_the_sale_reads_the_order_once_and_charges_nothing(booking, held, aws, aws_calls):
    alice, order = held
    first = booking.pay(alice, order, key="retried-key-01")
    aws_calls.reset()
    again = booking.pay(alice, order, key="retried-key-01")
    assert again.status == 200 and again.body == first.body
    ours = [op for service, op, params in aws_calls.log if service == "dynamodb"]
    assert ours == ["UpdateItem", "GetItem"], "the refused claim, then the order that answers the retry"
    assert len(charges(aws)) == 1 and charges(aws)[0]["calls"] == 1


def test_two_attempts_with_one_key_past_the_claim_never_refund_the_sale(booking, held, aws, monkeypatch):
    """Issue 13's race, found by reading pay.py: two requests with the same Idempotency-Key both pass the claim.
    With the claim refusing a second attempt while the first one's lasts, this needs the first attempt to outlive
    its claim (a provider slower than the invocation's remaining time). B, in another environment, then claims
    and sells while A is charging (the provider answers both with the same charge); A's sale fails because the
    order is PAID. A must not refund that charge: it paid the order."""
    alice, order = held
    other_environment = StackUnderTest(aws)
    simulated = booking.stack.module("PayOrderFunction", "boxoffice.payments.simulated")
    original_charge = simulated.SimulatedProvider.charge
    answers = {}

    def charge_while_b_pays_with_the_same_key(provider, **kwargs):
        charged = original_charge(provider, **kwargs)
        clock.advance(31)  # A's claim (at most the function's remaining time) has lapsed
        answers["b"] = booking.pay(alice, order, key="the-same-key-1", stack=other_environment)
        return charged

    monkeypatch.setattr(simulated.SimulatedProvider, "charge", charge_while_b_pays_with_the_same_key)
    answers["a"] = booking.pay(alice, order, key="the-same-key-1")
    assert answers["b"].status == 200 and answers["b"].body["status"] == "PAID", answers["b"]
    assert answers["a"].status == 200 and answers["a"].body["status"] == "PAID", answers["a"]
    assert len(charges(aws)) == 1 and refunds(aws) == [], "one charge, and the sale keeps it"
    assert booking.order(alice, order["order_id"]).body["status"] == "PAID"


def test_a_declined_attempt_that_outlived_its_claim_never_releases_the_claim_of_the_attempt_after_it(
    quick_timeout_stack, aws, monkeypatch
):
    """Attempt A's card is slow to be declined: its claim (as long as its function could run) lapses, and
    attempt C claims the order and dies while charging. When A's decline finally comes, A releases only its own
    claim: C's stays, so a third attempt D is refused until C could have finished, and nothing is charged
    twice."""
    booking = Booking(quick_timeout_stack, make_screening(quick_timeout_stack))
    alice = customer()
    order = booking.hold(alice, ["A-1"]).body
    simulated = quick_timeout_stack.module("PayOrderFunction", "boxoffice.payments.simulated")
    original_charge = simulated.SimulatedProvider.charge

    def charge(provider, **kwargs):
        if kwargs["payment_method"] == "tok_declined":  # A: slow, and C comes meanwhile
            clock.advance(2)  # past A's claim (its function's 1-s timeout)
            with pytest.raises(SimulatedCrash):
                booking.pay(alice, order, key="attempt-c-0001")
        elif kwargs["idempotency_key"].endswith("attempt-c-0001"):
            raise SimulatedCrash()  # C dies mid-charge: its claim stays until its own timeout
        return original_charge(provider, **kwargs)

    monkeypatch.setattr(simulated.SimulatedProvider, "charge", charge)
    declined = booking.pay(alice, order, "tok_declined", key="attempt-a-0001")
    assert declined.status == 402, declined
    refused = booking.pay(alice, order, key="attempt-d-0001")
    assert refused.status == 409 and refused.body["code"] == "PAYMENT_IN_PROGRESS", "C's claim was released"
    assert charges(aws) == []
    clock.advance(2)  # past C's claim: now D may pay
    assert booking.pay(alice, order, key="attempt-d-0001").status == 200
    assert len(charges(aws)) == 1


@pytest.mark.parametrize(("seconds_before_the_start", "code"), [(1, "PAID"), (0, "SCREENING_STARTED")])
def test_a_payment_completing_at_the_very_start_sells_nothing(
    make_stack, aws, monkeypatch, seconds_before_the_start, code
):
    """The charge returns 1 s before the screening starts: sold. It returns at the start itself: nothing is
    sold from that second on, the charge is refunded, and the answer says the screening started."""
    stack = make_stack(HoldSeconds="3600")
    booking = Booking(stack, make_screening(stack, hours_from_now=0.5))
    alice = customer()
    order = booking.hold(alice, ["A-1"]).body
    starts = int(datetime.fromisoformat(order["starts_at"].replace("Z", "+00:00")).timestamp())
    simulated = stack.module("PayOrderFunction", "boxoffice.payments.simulated")
    original_charge = simulated.SimulatedProvider.charge

    def charge_until(provider, **kwargs):
        clock.advance(starts - seconds_before_the_start - int(clock.time()))
        return original_charge(provider, **kwargs)

    monkeypatch.setattr(simulated.SimulatedProvider, "charge", charge_until)
    answer = booking.pay(alice, order)
    if code == "PAID":
        assert answer.status == 200 and answer.body["status"] == "PAID", answer
        assert refunds(aws) == []
    else:
        assert answer.status == 409 and answer.body["code"] == code, answer
        assert answer.body["details"] == {"refunded": True}
        assert len(charges(aws)) == 1 and len(refunds(aws)) == 1
