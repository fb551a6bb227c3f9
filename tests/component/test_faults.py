"""Every DynamoDB request on the hold, pay, cancel, refund and sweep paths fails in turn.

Each failure is one the SDK surfaces after its own retries: throttling,
an internal error, a transaction conflict, a timeout. The client gets 429
(throttling) or 503 with Retry-After, nothing is left half done, and the
same request tried again succeeds.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError, ReadTimeoutError

from boxoffice.clock import clock
from local.runtime import FunctionError
from tests.component.booking_helpers import Booking, charges, customer, make_screening, refunds
from tests.harness import StackUnderTest


def throttling(operation: str, params: dict) -> Exception:
    return ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, operation)


def internal_error(operation: str, params: dict) -> Exception:
    return ClientError({"Error": {"Code": "InternalServerError", "Message": "try again"}}, operation)


def transaction_conflict(operation: str, params: dict) -> Exception:
    if operation == "TransactWriteItems":
        reasons = [{"Code": "TransactionConflict", "Message": "conflict"} for _ in params["TransactItems"]]
        return ClientError(
            {"Error": {"Code": "TransactionCanceledException", "Message": "conflict"}, "CancellationReasons": reasons},
            operation,
        )
    return ClientError({"Error": {"Code": "TransactionConflictException", "Message": "conflict"}}, operation)


def timeout(operation: str, params: dict) -> Exception:
    return ReadTimeoutError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")


FAULTS = {
    "throttling": throttling,
    "internal error": internal_error,
    "transaction conflict": transaction_conflict,
    "timeout": timeout,
}


class Faults:
    """Counts our DynamoDB requests (not the payment provider's ledger) and fails the n-th one."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.fail_at: int | None = None
        self.fault: Callable[[str, dict], Exception] | None = None
        self._original = BaseClient._make_api_call

    def __enter__(self) -> Faults:
        faults = self

        def maybe_fail(client: Any, operation: str, params: dict) -> Any:
            ours = (
                client.meta.service_model.service_name == "dynamodb" and params.get("TableName") != "PaymentLedgerTable"
            )
            if ours:
                faults.calls.append(operation)
                if faults.fail_at == len(faults.calls):
                    raise faults.fault(operation, params)
            return faults._original(client, operation, params)

        BaseClient._make_api_call = maybe_fail  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        BaseClient._make_api_call = self._original  # type: ignore[method-assign]

    def arm(self, nth: int, fault: Callable[[str, dict], Exception]) -> None:
        self.calls, self.fail_at, self.fault = [], nth, fault

    def count(self, run: Callable[[], Any]) -> int:
        self.calls, self.fail_at = [], None
        run()
        return len(self.calls)


@pytest.fixture
def faults():
    with Faults() as injected:
        yield injected


@pytest.fixture
def stack_with_quick_payments(aws):
    """Payments time out after 1 s, so an attempt left in progress by a fault lapses quickly."""
    stack = StackUnderTest(aws)
    stack.runtime.specs["PayOrderFunction"] = dataclasses.replace(stack.specs["PayOrderFunction"], timeout_seconds=1)
    return stack


def assert_retryable(answer, fault_name: str) -> None:
    expected = 429 if fault_name == "throttling" else 503
    assert answer.status == expected, answer
    assert answer.headers.get("Retry-After"), answer
    assert answer.body["code"] in ("THROTTLED", "SERVICE_UNAVAILABLE", "BUSY")


@pytest.mark.parametrize("fault_name", sorted(FAULTS))
def test_holding(stack, faults, fault_name):
    booking = Booking(stack, make_screening(stack))
    booking.hold(customer(), ["B-2"])  # the venue's facts read once (test_holding_with_the_venue_to_read: that read)
    steps = faults.count(lambda: booking.hold(customer(), ["B-1"]))
    assert steps == 2
    for nth in range(1, steps + 1):
        alice = customer()
        chairs = [f"A-{nth}"]
        faults.arm(nth, FAULTS[fault_name])
        answer = booking.hold(alice, chairs, key=f"hold-{nth}-retry")
        faults.arm(0, FAULTS[fault_name])
        if answer.status != 201:  # a conflict inside the transaction is retried by the function itself
            assert_retryable(answer, fault_name)
            assert booking.statuses()[chairs[0]] == "AVAILABLE", "nothing half done"
            assert booking.orders(alice).body["items"] == []
            answer = booking.hold(alice, chairs, key=f"hold-{nth}-retry")
        assert answer.status == 201, answer
        assert booking.statuses()[chairs[0]] == "HELD"


@pytest.mark.parametrize("fault_name", sorted(FAULTS))
def test_holding_with_the_venue_to_read(stack, faults, fault_name):
    """The first hold of an environment (or the first after a minute) reads the venue's tax rate: a fault there
    holds nothing, and the retry holds."""
    booking = Booking(stack, make_screening(stack))
    clock.advance(61)
    alice = customer()
    faults.arm(2, FAULTS[fault_name])  # after the screening and quota, before the transaction
    answer = booking.hold(alice, ["A-1"], key="hold-venue-retry")
    faults.arm(0, FAULTS[fault_name])
    assert_retryable(answer, fault_name)
    assert booking.statuses()["A-1"] == "AVAILABLE" and booking.orders(alice).body["items"] == []
    answer = booking.hold(alice, ["A-1"], key="hold-venue-retry")
    assert answer.status == 201, answer
    assert answer.body["tax"] == [
        {"code": "standard", "percent": 7.0, "net_cents": 935, "tax_cents": 65, "gross_cents": 1000}
    ]


@pytest.mark.parametrize("fault_name", sorted(FAULTS))
def test_cancelling(stack, faults, fault_name):
    booking = Booking(stack, make_screening(stack))
    alice = customer()
    probe = booking.hold(alice, ["B-1"]).body
    steps = faults.count(lambda: booking.cancel(alice, probe["order_id"]))
    assert steps == 2
    for nth in range(1, steps + 1):
        order = booking.hold(alice, [f"A-{nth}"]).body
        faults.arm(nth, FAULTS[fault_name])
        answer = booking.cancel(alice, order["order_id"])
        faults.arm(0, FAULTS[fault_name])
        if answer.status != 200:
            assert_retryable(answer, fault_name)
            assert booking.order(alice, order["order_id"]).body["status"] == "HELD"
            assert booking.statuses()[f"A-{nth}"] == "HELD", "nothing half done"
            answer = booking.cancel(alice, order["order_id"])
        assert answer.body["status"] == "CANCELLED"
        assert booking.statuses()[f"A-{nth}"] == "AVAILABLE"


@pytest.mark.parametrize("fault_name", sorted(FAULTS))
def test_paying(stack_with_quick_payments, faults, aws, fault_name):
    stack = stack_with_quick_payments
    booking = Booking(stack, make_screening(stack, rows=1, seats=10))
    alice = customer()
    probe = booking.hold(alice, ["A-10"]).body
    steps = faults.count(lambda: booking.pay(alice, probe))
    assert steps == 3  # the claim (the order is the idempotency record), the sale, the quota entry (best effort)
    for nth in range(1, steps + 1):
        chair = f"A-{nth}"
        order = booking.hold(alice, [chair]).body
        key = f"pay-fault-{fault_name.replace(' ', '-')}-{nth}"
        faults.arm(nth, FAULTS[fault_name])
        answer = booking.pay(alice, order, key=key)
        faults.arm(0, FAULTS[fault_name])
        if answer.status != 200:
            assert_retryable(answer, fault_name)
            status = booking.order(alice, order["order_id"]).body["status"]
            assert (status, booking.statuses()[chair]) in (("HELD", "HELD"), ("PAID", "SOLD")), "nothing half done"
            answer = booking.pay(alice, order, key=key)
            if answer.status == 409:  # the first attempt's claim is still live until it would time out
                assert answer.body["code"] == "PAYMENT_IN_PROGRESS" and answer.headers.get("Retry-After")
                clock.advance(11)  # past the first attempt's timeout
                answer = booking.pay(alice, order, key=key)
        assert answer.status == 200 and answer.body["status"] == "PAID", answer
        assert booking.statuses()[chair] == "SOLD"
        paid_for_this_order = [
            charge for charge in charges(aws) if charge["idempotency_key"].startswith(order["order_id"])
        ]
        assert len(paid_for_this_order) == 1, "charged exactly once"


@pytest.mark.parametrize("fault_name", sorted(FAULTS))
def test_refunding(stack, faults, aws, fault_name):
    booking = Booking(stack, make_screening(stack, rows=1, seats=10))
    alice = customer()
    probe = booking.hold(alice, ["A-10"]).body
    booking.pay(alice, probe)
    assert booking.refund(alice, "no-such-order").status == 404  # the harness makes alice's account here
    steps = faults.count(lambda: booking.refund(alice, probe["order_id"]))
    assert steps == 4  # the caller's account (read anew: refunds move money), the order, the transaction, the note
    for nth in range(1, steps + 1):
        chair = f"A-{nth}"
        order = booking.hold(alice, [chair]).body
        booking.pay(alice, order)
        faults.arm(nth, FAULTS[fault_name])
        answer = booking.refund(alice, order["order_id"])
        faults.arm(0, FAULTS[fault_name])
        if answer.status != 200:
            assert_retryable(answer, fault_name)
            status = booking.order(alice, order["order_id"]).body["status"]
            assert (status, booking.statuses()[chair]) in (("PAID", "SOLD"), ("REFUNDED", "AVAILABLE"))
            answer = booking.refund(alice, order["order_id"])
        assert answer.status == 200 and answer.body["status"] == "REFUNDED", answer
        assert booking.statuses()[chair] == "AVAILABLE"
    mine = {charge["reference"] for charge in charges(aws)}
    assert sorted(refund["charge_id"] for refund in refunds(aws)) == sorted(
        refund["charge_id"] for refund in refunds(aws) if refund["charge_id"] in mine
    )
    assert len(refunds(aws)) == len({refund["charge_id"] for refund in refunds(aws)}), "each charge refunded once"


@pytest.mark.parametrize("fault_name", sorted(FAULTS))
def test_sweeping(make_stack, faults, fault_name):
    from boxoffice.clock import clock

    stack = make_stack(HoldSeconds="60")
    booking = Booking(stack, make_screening(stack, rows=1, seats=10))
    booking.hold(customer(), ["A-10"])
    clock.advance(61)
    steps = faults.count(booking.sweep)
    assert steps == 4 + 1 + 1  # one query per index shard, one BatchGetItem of the orders, one transaction per hold
    for nth in range(1, steps + 1):
        booking.hold(customer(), [f"A-{nth}"])
        clock.advance(61)
        faults.arm(nth, FAULTS[fault_name])
        with contextlib.suppress(FunctionError):  # a failed run is run again by the schedule next minute
            booking.sweep()
        faults.arm(0, FAULTS[fault_name])
        statuses = booking.statuses()
        assert statuses[f"A-{nth}"] == "AVAILABLE", "a lapsed hold is free whether or not it was swept"
        booking.sweep()
        assert booking.sweep()["expired"] == 0
