"""Domain events come from committed changes (the tables' streams), each exactly once, and say who made them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer, make_screening, staff
from tests.harness import Accounts
from tools.factories import DOOR_PERMISSIONS, staff_context

door = staff_context("door-1", DOOR_PERMISSIONS)


def published(aws: Any) -> list[dict[str, Any]]:
    """The published-events log: (detail-type, detail) of every event that went out, by id."""
    items = aws.dynamodb.scan(TableName=aws.tables["EventsTable"])["Items"]
    rows = [{name: TypeDeserializer().deserialize(value) for name, value in item.items()} for item in items]
    return [{"type": row["detail_type"], **json.loads(row["detail"])} for row in rows]


def of_order(events: list[dict[str, Any]], order_id: str) -> list[tuple[str, list[str]]]:
    return sorted(
        (event["type"], sorted(event.get("chairs") or [event.get("chair")]))
        for event in events
        if event.get("order_id") == order_id
    )


@pytest.fixture
def booking(stack):
    return Booking(stack, make_screening(stack, hours_from_now=48))


def a_day_of_orders(stack, booking) -> dict[str, str]:
    """Every kind of order change on one screening; order ids by what happened to them."""
    ann, bob, cat, dan = customer("ann"), customer("bob"), customer("cat"), customer("dan")
    paid = booking.hold(ann, ["A-1", "A-2", "A-3"]).body
    tickets = booking.pay(ann, paid).body["tickets"]
    assert booking.refund(ann, paid["order_id"], chairs=["A-3"]).status == 200
    checked = stack.call(
        "CheckInFunction", identity=door, path={"code": tickets[0]["code"]}, body={"screening_id": booking.screening_id}
    )
    assert checked.status == 200, checked
    refunded = booking.hold(bob, ["B-1"]).body
    assert booking.pay(bob, refunded).status == 200
    assert booking.refund(staff("boxoffice"), refunded["order_id"]).status == 200
    cancelled = booking.hold(cat, ["B-2"]).body
    assert booking.cancel(cat, cancelled["order_id"]).status == 200
    expired = booking.hold(dan, ["B-3"]).body
    clock.advance(601)
    assert booking.sweep()["expired"] >= 1
    return {
        "paid": paid["order_id"],
        "refunded": refunded["order_id"],
        "cancelled": cancelled["order_id"],
        "expired": expired["order_id"],
    }


EXPECTED = {
    "paid": [
        ("OrderHeld", ["A-1", "A-2", "A-3"]),
        ("OrderPaid", ["A-1", "A-2", "A-3"]),
        ("OrderPartlyRefunded", ["A-3"]),
        ("TicketCheckedIn", ["A-1"]),
    ],
    "refunded": [("OrderHeld", ["B-1"]), ("OrderPaid", ["B-1"]), ("OrderRefunded", ["B-1"])],
    "cancelled": [("OrderCancelled", ["B-2"]), ("OrderHeld", ["B-2"])],
    "expired": [("OrderExpired", ["B-3"]), ("OrderHeld", ["B-3"])],
}


def put_on_the_bus(aws_calls) -> list[str]:
    """The event ids of every entry PutEvents was sent, duplicates kept."""
    return [
        json.loads(entry["Detail"])["event_id"]
        for service, operation, params in aws_calls.log
        if (service, operation) == ("events", "PutEvents")
        for entry in params["Entries"]
    ]


def test_every_order_change_is_exactly_its_events_even_when_every_stream_batch_comes_twice(
    stack, aws, booking, aws_calls
):
    orders = a_day_of_orders(stack, booking)
    stack.events.redeliver = True
    stack.deliver_events()
    stack.deliver_events()  # and nothing more comes of asking again
    events = published(aws)
    for what, order_id in orders.items():
        assert of_order(events, order_id) == sorted(EXPECTED[what]), what
    on_the_bus = put_on_the_bus(aws_calls)
    assert sorted(on_the_bus) == sorted(event["event_id"] for event in events), "an event went out twice, or unlogged"


def test_a_relay_that_crashes_after_putting_events_on_the_bus_logs_each_once_and_reports_count_each_once(
    stack, aws, booking
):
    ann = customer("ann")
    order = booking.hold(ann, ["A-1", "A-2"]).body
    assert booking.pay(ann, order).status == 200
    relay = stack.module("PublishEventsFunction", "boxoffice.events.publish")
    real_log, crashes = relay._log, []

    def crash_once_on_the_orders_batch(events):
        kinds = {event.detail_type for event in events}
        if not crashes and {"OrderHeld", "OrderPaid"} & kinds:
            crashes.append(kinds)
            raise ConnectionError("the relay died after PutEvents")
        return real_log(events)

    relay._log = crash_once_on_the_orders_batch
    stack.deliver_events()
    assert crashes and {"OrderHeld", "OrderPaid"} & crashes[0], "the relay never crashed on the order events"
    events = published(aws)
    assert of_order(events, order["order_id"]) == [("OrderHeld", ["A-1", "A-2"]), ("OrderPaid", ["A-1", "A-2"])]
    report = stack.call(
        "GetScreeningReportFunction", identity=staff("r", "reports:view"), path={"screening_id": booking.screening_id}
    )
    assert (report.body["sold"], report.body["held"], report.body["revenue"]) == (2, 0, {"EUR": 2000}), report


def test_each_event_says_who_made_the_change_and_from_where_and_the_system_is_no_one(stack, aws, booking):
    ann = customer("ann")
    order = booking.hold(ann, ["A-1"]).body
    clock.advance(601)
    booking.sweep()
    stack.deliver_events()
    events = {event["type"]: event for event in published(aws) if event.get("order_id") == order["order_id"]}
    assert events["OrderHeld"]["actor"] == {
        "user_id": ann["sub"],
        "username": ann["username"],
        "address": "192.168.0.1/32",
    }
    assert "actor" not in events["OrderExpired"], "the sweeper is the system, not the last person who wrote"


def test_every_event_fits_its_published_schema_and_names_its_change(stack, aws, booking):
    from boxoffice.events.kinds import KINDS

    a_day_of_orders(stack, booking)
    accounts = Accounts(stack)
    admin = accounts.admin()
    accounts.customer()
    stack.api.put(f"/users/{admin.user_id}", {"permissions": ["users:manage"]}, token=admin.token)
    stack.deliver_events()
    events = published(aws)
    kinds = {event["type"] for event in events}
    assert {"MovieCreated", "HallCreated", "ScreeningCreated", "UserCreated", "UserSignedIn", "UserSignedUp"} <= kinds
    for event in events:
        detail = {key: value for key, value in event.items() if key != "type"}
        KINDS[event["type"]].model_validate(detail)  # extra fields are forbidden: the schema is the whole truth


def test_no_secret_ever_reaches_an_event(stack, aws):
    accounts = Accounts(stack)
    admin = accounts.admin()
    user = accounts.customer()
    stack.api.post(
        "/me/password", {"current_password": user.password, "new_password": "another-long-password"}, token=user.token
    )
    stack.api.post(f"/users/{user.user_id}/reset", token=admin.token)
    stack.api.post("/auth/logout", token=admin.token)
    stack.deliver_events()
    events = published(aws)
    inspected = {(event["type"], event.get("user_id")) for event in events}
    for expected in [
        ("UserCreated", user.user_id),
        ("UserSignedIn", user.user_id),
        ("UserSessionsEnded", user.user_id),  # the password change and the reset end the user's sessions
        ("UserSignedIn", admin.user_id),
    ]:
        assert expected in inspected, f"nothing to inspect: {expected} was not published ({sorted(inspected)})"
    text = json.dumps(events).lower()
    for secret in ("hash", "password", "signup_code", "revoked", admin.token.lower(), "$argon", "pbkdf2", "scrypt"):
        assert secret not in text, secret


def test_the_event_schemas_in_docs_are_the_ones_the_code_publishes():
    from tools.event_schemas import check_schemas

    assert check_schemas() == [], "docs/events is stale: run `make generated`"


def test_a_refused_change_makes_no_event(stack, aws, booking):
    """Only committed changes are streamed (the local stack's DynamoDB keeps to that too): a hold refused because a
    chair is taken, or a second payment, publishes nothing."""
    ann, bob = customer("ann"), customer("bob")
    order = booking.hold(ann, ["A-1"]).body
    assert booking.hold(bob, ["A-2", "A-1"]).status == 409
    assert booking.pay(ann, order).status == 200
    assert booking.pay(ann, order, key="another-key").status == 409
    stack.deliver_events()
    orders = {event.get("order_id") for event in published(aws)} - {None}
    assert orders == {order["order_id"]}
    assert of_order(published(aws), order["order_id"]) == [("OrderHeld", ["A-1"]), ("OrderPaid", ["A-1"])]


def test_a_cancelled_screening_is_its_event_then_each_orders_settlement_once_made_by_no_one(stack, aws, booking):
    from tools.factories import MANAGER_PERMISSIONS

    manager = staff_context("manager", MANAGER_PERMISSIONS)
    alice, bob = customer("alice"), customer("bob")
    held = booking.hold(alice, ["A-1"]).body
    paid = booking.pay(bob, booking.hold(bob, ["A-3"]).body).body
    cancelled = stack.call(
        "CancelScreeningFunction",
        identity=manager,
        path={"screening_id": booking.screening_id},
        body={"reason": "Flood"},
    )
    assert cancelled.status == 202, cancelled
    for _ in range(2):
        stack.invoke("SettleScreeningsFunction", {"detail-type": "Scheduled Event", "source": "aws.scheduler"})
        clock.advance(121)
    stack.events.redeliver = True
    stack.deliver_events()
    events = published(aws)
    (screening,) = [event for event in events if event["type"] == "ScreeningCancelled"]
    assert screening["reason"] == "Flood" and screening["actor"]["user_id"] == manager["sub"]
    assert of_order(events, held["order_id"]) == [("OrderCancelled", ["A-1"]), ("OrderHeld", ["A-1"])]
    assert of_order(events, paid["order_id"]) == [
        ("OrderHeld", ["A-3"]),
        ("OrderPaid", ["A-3"]),
        ("OrderRefunded", ["A-3"]),
    ]
    settled = [
        e
        for e in events
        if e.get("order_id") in (held["order_id"], paid["order_id"])
        and e["type"] in ("OrderCancelled", "OrderRefunded")
    ]
    assert all(e["reason"] == "SCREENING_CANCELLED" and "actor" not in e for e in settled), settled
