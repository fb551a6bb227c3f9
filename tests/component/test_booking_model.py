"""Model-based: random sequences of hold, pay, cancel, refund (whole or some chairs), sweep and clock advances.

After every step the system is checked against a simple model and against
the rules that must never break: no chair has two live holds or two sales,
every chair the seat map calls AVAILABLE can really be held, and what the
API says about every chair and order is what the model says. At the end of
each example, the tables' streams are relayed (every batch delivered twice,
or the relay crashing once after it put events on the bus) and the events
published are exactly the ones the model's changes make, each once.
"""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

import boto3
import hypothesis.strategies as st
import pytest
from boto3.dynamodb.types import TypeDeserializer
from hypothesis import HealthCheck, seed, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from boxoffice.clock import clock
from local.events import EventPlumbing
from local.template import LOCAL_REGION, local_table_names
from tests.component.booking_helpers import Booking, customer, orders_of
from tests.component.catalog_helpers import screening_body
from tests.profiles import examples, run_seed

CHAIRS = ["A-1", "A-2", "A-3", "A-4"]
HOLD_SECONDS = 60
CAP = 3
RUNS = 4  # the examples are split over independent runs, so the test workers share them
EXAMPLES_PER_RUN = -(-examples("booking_model") // RUNS)
_starts = itertools.count(0)


def every_item(aws, table: str) -> list[dict[str, Any]]:
    """Every item, page by page: a Scan answers 1 MB at most, and the events of a deep run outgrow it."""
    pages = aws.dynamodb.get_paginator("scan").paginate(TableName=aws.tables[table])
    return [item for page in pages for item in page["Items"]]


def _deserialize(item: dict[str, Any]) -> dict[str, Any]:
    return {name: TypeDeserializer().deserialize(value) for name, value in item.items()}


class ModelOrder:
    def __init__(self, order_id: str, user: int, chairs: list[str], expires_at: float, body: dict[str, Any]) -> None:
        self.order_id, self.user, self.chairs, self.expires_at, self.body = order_id, user, chairs, expires_at, body
        self.status = "HELD"
        self.refunded: set[str] = set()  # chairs given back (the order is REFUNDED once all are)

    def status_now(self) -> str:
        return "EXPIRED" if self.status == "HELD" and self.expires_at <= clock.time() else self.status


def make_machine(stack, aws, movie_id: str, hall_id: str, relay):  # one rule per operation
    class Booking_(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            clock.freeze()
            admin = {"sub": "model-admin", "username": "admin", "permissions": "screenings:manage"}
            hours = 48 + 4 * next(_starts)
            screening = stack.call(
                "CreateScreeningFunction", identity=admin, body=screening_body(movie_id, hall_id, hours)
            )
            assert screening.status == 201, screening
            self.booking = Booking(stack, screening.body["screening_id"])
            self.users = [customer(f"model-{uuid.uuid4().hex[:8]}-{index}") for index in range(3)]
            self.orders: list[ModelOrder] = []
            self.expected_events: list[tuple[str, str, tuple[str, ...]]] = []

        def happened(self, kind: str, order: ModelOrder, chairs: list[str] | set[str]) -> None:
            self.expected_events.append((kind, order.order_id, tuple(sorted(chairs))))

        # ---------------------------------------------------------------- the model

        def holder(self, chair: str, status: str) -> list[ModelOrder]:
            return [order for order in self.orders if chair in order.chairs and order.status_now() == status]

        def chair_status(self, chair: str) -> str:
            if any(chair not in order.refunded for order in self.holder(chair, "PAID")):
                return "SOLD"
            return "HELD" if self.holder(chair, "HELD") else "AVAILABLE"

        def held_by(self, user: int) -> int:
            live = [order for order in self.orders if order.user == user and order.status_now() == "HELD"]
            return sum(len(order.chairs) for order in live)

        # ---------------------------------------------------------------- operations

        @rule(user=st.integers(0, 2), chairs=st.sets(st.sampled_from(CHAIRS), min_size=1, max_size=3))
        def hold(self, user: int, chairs: set[str]) -> None:
            wanted = sorted(chairs)
            answer = self.booking.hold(self.users[user], wanted)
            taken = [chair for chair in wanted if self.chair_status(chair) != "AVAILABLE"]
            if self.held_by(user) + len(wanted) > CAP:
                assert answer.status == 429, answer
            elif taken:
                assert answer.status == 409, answer
                assert sorted(answer.body["details"]["chairs"]) == taken
            else:
                assert answer.status == 201, answer
                expires = clock.time() + HOLD_SECONDS
                self.orders.append(ModelOrder(answer.body["order_id"], user, wanted, int(expires), answer.body))
                self.happened("OrderHeld", self.orders[-1], wanted)

        @precondition(lambda self: self.orders)
        @rule(data=st.data(), method=st.sampled_from(["tok_ok", "tok_ok", "tok_declined"]))
        def pay(self, data: st.DataObject, method: str) -> None:
            order = data.draw(st.sampled_from(self.orders))
            answer = self.booking.pay(self.users[order.user], order.body, method, key=uuid.uuid4().hex)
            expected = {
                "PAID": (409, "ALREADY_PAID"),
                "REFUNDED": (409, "ORDER_REFUNDED"),
                "CANCELLED": (409, "ORDER_CANCELLED"),
                "EXPIRED": (409, "HOLD_EXPIRED"),
            }
            status = order.status_now()
            if status == "HELD":
                if method == "tok_ok":
                    assert answer.status == 200 and answer.body["status"] == "PAID", answer
                    order.status = "PAID"
                    self.happened("OrderPaid", order, order.chairs)
                else:
                    assert answer.status == 402, answer
            else:
                assert (answer.status, answer.body["code"]) == expected[status], answer

        @precondition(lambda self: self.orders)
        @rule(data=st.data())
        def cancel(self, data: st.DataObject) -> None:
            order = data.draw(st.sampled_from(self.orders))
            answer = self.booking.cancel(self.users[order.user], order.order_id)
            status = order.status_now()
            if status in ("HELD", "CANCELLED"):
                assert answer.status == 200 and answer.body["status"] == "CANCELLED", answer
                if status == "HELD":
                    self.happened("OrderCancelled", order, order.chairs)
                order.status = "CANCELLED"
            else:
                assert answer.status == 409, answer

        @precondition(lambda self: self.orders)
        @rule(data=st.data())
        def refund(self, data: st.DataObject) -> None:
            order = data.draw(st.sampled_from(self.orders))
            answer = self.booking.refund(self.users[order.user], order.order_id)
            if order.status_now() in ("PAID", "REFUNDED"):
                assert answer.status == 200 and answer.body["status"] == "REFUNDED", answer
                if order.status_now() == "PAID":
                    self.happened("OrderRefunded", order, set(order.chairs) - order.refunded)
                order.status = "REFUNDED"
                order.refunded = set(order.chairs)
            else:
                assert answer.status == 409 and answer.body["code"] == "NOT_PAID", answer

        @precondition(lambda self: self.orders)
        @rule(data=st.data())
        def refund_some(self, data: st.DataObject) -> None:
            order = data.draw(st.sampled_from(self.orders))
            chairs = sorted(data.draw(st.sets(st.sampled_from(order.chairs), min_size=1)))
            answer = self.booking.refund(self.users[order.user], order.order_id, chairs=chairs)
            status = order.status_now()
            if status == "REFUNDED" or (status == "PAID" and set(chairs) <= order.refunded):
                assert answer.status == 200, answer  # asking again answers the same
            elif status != "PAID":
                assert answer.status == 409 and answer.body["code"] == "NOT_PAID", answer
            elif set(chairs) & order.refunded:
                assert answer.status == 409 and answer.body["code"] == "ALREADY_REFUNDED", answer
            else:
                assert answer.status == 200, answer
                order.refunded |= set(chairs)
                if order.refunded == set(order.chairs):
                    order.status = "REFUNDED"
                self.happened("OrderRefunded" if order.status == "REFUNDED" else "OrderPartlyRefunded", order, chairs)
            assert sorted(answer.body.get("refunded_chairs", sorted(order.refunded))) == sorted(order.refunded)

        @rule()
        def sweep(self) -> None:
            lapsed = [order for order in self.orders if order.status == "HELD" and order.status_now() == "EXPIRED"]
            answer = self.booking.sweep()
            # Other examples' lapsed holds (other screenings) may be swept in the same run.
            assert answer["expired"] >= len(lapsed)
            for order in lapsed:
                order.status = "EXPIRED"
                self.happened("OrderExpired", order, order.chairs)

        @rule(seconds=st.sampled_from([1, 30, 59, 60, 61]))
        def advance(self, seconds: int) -> None:
            clock.advance(seconds)

        def teardown(self) -> None:
            # Leave no live hold behind for the next example's sweeps to trip over.
            clock.advance(HOLD_SECONDS + 1)
            while self.booking.sweep()["candidates"]:
                pass
            for order in self.orders:
                if order.status == "HELD":
                    order.status = "EXPIRED"
                    self.happened("OrderExpired", order, order.chairs)
            self.the_events_published_are_exactly_the_models_changes()

        def the_events_published_are_exactly_the_models_changes(self) -> None:
            relay.redeliver = len(self.orders) % 2 == 0
            publisher = stack.module("PublishEventsFunction", "boxoffice.events.publish")
            real_log = publisher._log
            if len(self.orders) % 3 == 1:  # a relay that dies after putting a batch on the bus, once

                def crash_once(events: list[Any]) -> None:
                    publisher._log = real_log
                    raise ConnectionError("the relay died after PutEvents")

                publisher._log = crash_once
            try:
                relay.drain()
            finally:
                publisher._log = real_log
            mine = {order.order_id for order in self.orders}
            logged = [
                (row["detail_type"], detail["order_id"], tuple(sorted(detail["chairs"])))
                for row in map(_deserialize, every_item(aws, "EventsTable"))
                for detail in [json.loads(row["detail"])]
                if detail.get("order_id") in mine
            ]
            assert sorted(logged) == sorted(self.expected_events)

        # ---------------------------------------------------------------- what must hold after every step

        @invariant()
        def no_chair_has_two_live_holds_or_two_sales(self) -> None:
            now = clock.time()
            # Read from the table: the by_screening index holds only keys, and a filter on the status there
            # matched nothing, so this check once passed without looking at a single order.
            every = orders_of(aws, self.booking.screening_id)
            assert {order.order_id for order in self.orders} <= {o["order_id"] for o in every}, "orders not found"
            # A chair refunded from a paid order is free again: the order stays PAID for its other chairs.
            stored = [
                {**o, "chairs": set(o["chairs"]) - set(o.get("refunded_chairs") or ())}
                for o in every
                if o["status"] in ("HELD", "PAID")
            ]
            for chair in CHAIRS:
                live = [o for o in stored if chair in o["chairs"] and o["status"] == "HELD" and o["expires_at"] > now]
                sold = [o for o in stored if chair in o["chairs"] and o["status"] == "PAID"]
                assert len(live) <= 1, f"{chair} has {len(live)} live holds"
                assert len(sold) <= 1, f"{chair} was sold {len(sold)} times"
                assert not (live and sold), f"{chair} is held and sold"

        @invariant()
        def the_api_agrees_with_the_model_and_every_available_chair_can_be_held(self) -> None:
            statuses = self.booking.statuses()
            assert statuses == {chair: self.chair_status(chair) for chair in CHAIRS}
            for order in self.orders:
                answer = self.booking.order(self.users[order.user], order.order_id)
                assert answer.body["status"] == order.status_now(), (order.order_id, answer)
                assert set(answer.body["refunded_chairs"]) == order.refunded, (order.order_id, answer)
                # Money: what came back is the price of exactly the chairs given back, never more.
                prices = answer.body["amount_cents"] // len(order.chairs)  # one price class in this hall
                assert answer.body["refunded_cents"] == prices * len(order.refunded), answer
                voided = {t["chair"] for t in answer.body["tickets"] or [] if t["refunded_at"]}
                assert voided == (order.refunded if answer.body["tickets"] else set()), answer
            available = [chair for chair, status in statuses.items() if status == "AVAILABLE"]
            if not available:
                return
            prober = customer(f"probe-{uuid.uuid4().hex[:8]}")
            probe = self.booking.hold(prober, [available[0]])
            assert probe.status == 201, probe
            assert self.booking.cancel(prober, probe.body["order_id"]).status == 200

    return Booking_


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize("run", range(RUNS))
def test_booking_against_a_model(make_stack, aws, run):
    stack = make_stack(HoldSeconds=str(HOLD_SECONDS), MaxHeldChairsPerUser=str(CAP))
    admin = {"sub": "model-admin", "username": "admin", "permissions": "movies:create screenings:manage"}
    movie = stack.call(
        "CreateMovieFunction",
        identity=admin,
        body={"name": "Model", "genres": [], "premiered": "2000-01-01", "runtime_minutes": 60},
    )
    hall = stack.call(
        "CreateHallFunction", identity=admin, body={"name": "Model", "rows": [{"label": "A", "seats": 4}]}
    )
    clients = {
        name: boto3.client(name, region_name=LOCAL_REGION) for name in ("dynamodb", "dynamodbstreams", "events", "sqs")
    }
    relay = EventPlumbing(stack.runtime, clients, local_table_names(), from_start=True, with_rules=False)
    machine = make_machine(stack, aws, movie.body["movie_id"], hall.body["hall_id"], relay)
    run_state_machine_as_test(
        seed(run_seed(run))(machine),  # each run explores its own examples
        settings=settings(
            max_examples=EXAMPLES_PER_RUN,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
