"""Chairs and holds: the seat map, placing and cancelling holds, expiry, and the sweeper."""

from __future__ import annotations

import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer, make_screening, staff


@pytest.fixture
def booking(stack):
    return Booking(stack, make_screening(stack, rows=2, seats=5, premium_row="B", price_classes={"premium": 1500}))


def test_the_seat_map_lists_every_chair_in_seat_order_with_prices(booking):
    answer = booking.seat_map()
    assert answer.status == 200
    chairs = answer.body["items"]
    assert [chair["chair_id"] for chair in chairs] == [f"{row}-{n}" for row in "AB" for n in range(1, 6)]
    assert {chair["status"] for chair in chairs} == {"AVAILABLE"}
    assert chairs[0] == {
        "chair_id": "A-1",
        "row": "A",
        "number": 1,
        "price_cents": 1000,
        "currency": "EUR",
        "price_class": None,
        "features": [],
        "status": "AVAILABLE",
    }
    assert chairs[-1]["price_cents"] == 1500 and chairs[-1]["price_class"] == "premium"


def test_the_seat_map_pages_and_filters_by_status(booking):
    booking.hold(customer(), ["A-2", "A-3"])
    seen, cursor = [], None
    while True:
        page = booking.seat_map(limit="3", **({"cursor": cursor} if cursor else {}))
        assert len(page.body["items"]) <= 3
        seen += page.body["items"]
        cursor = page.body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 10
    held = booking.seat_map(status="HELD").body["items"]
    assert [chair["chair_id"] for chair in held] == ["A-2", "A-3"]
    available = booking.seat_map(status="AVAILABLE").body["items"]
    assert len(available) == 8 and "A-2" not in {chair["chair_id"] for chair in available}
    assert booking.seat_map(status="HELDISH").status == 422


def test_the_seat_map_of_an_unknown_screening_is_a_404(booking):
    assert booking.seat_map(screening_id="nosuchscreening").status == 404


def test_a_hold_answers_201_with_a_confirmation_id_the_expiry_and_the_amount(booking):
    answer = booking.hold(customer(), ["A-1", "B-1"])
    assert answer.status == 201, answer
    order = answer.body
    assert order["status"] == "HELD"
    assert order["chairs"] == ["A-1", "B-1"]
    assert order["amount_cents"] == 1000 + 1500 and order["currency"] == "EUR"
    assert len(order["confirmation_id"]) >= 22  # >= 128 random bits, base64url
    assert order["expires_at"] > order["created_at"]
    assert booking.statuses()["A-1"] == booking.statuses()["B-1"] == "HELD"


def test_confirmation_ids_do_not_repeat(booking):
    ids = {booking.hold(customer(), [chair]).body["confirmation_id"] for chair in ("A-1", "A-2", "A-3", "A-4")}
    assert len(ids) == 4


def test_a_taken_chair_is_a_409_naming_exactly_the_taken_ones_and_nothing_changes(booking):
    first = booking.hold(customer(), ["A-1", "A-2"])
    assert first.status == 201
    second = booking.hold(customer(), ["A-2", "A-3", "A-1", "A-4"])
    assert second.status == 409
    assert second.body["code"] == "CHAIR_UNAVAILABLE"
    assert sorted(second.body["details"]["chairs"]) == ["A-1", "A-2"]
    statuses = booking.statuses()
    assert statuses["A-3"] == statuses["A-4"] == "AVAILABLE", "all or nothing"


def test_unknown_chairs_are_a_404_and_nothing_changes(booking):
    answer = booking.hold(customer(), ["A-1", "Z-9"])
    assert answer.status == 404 and answer.body["code"] == "UNKNOWN_CHAIRS"
    assert answer.body["details"]["chairs"] == ["Z-9"]
    assert booking.statuses()["A-1"] == "AVAILABLE"


def test_an_unknown_screening_is_a_404(booking):
    assert booking.hold(customer(), ["A-1"], screening_id="nosuchscreening").status == 404


@pytest.mark.parametrize(
    "chairs",
    [
        [],
        ["A-1", "A-1"],
        ["A-1", "A-2", "A-3", "A-4", "A-5", "B-1", "B-2", "B-3", "B-4", "B-5", "C-1"],
        ["a-1"],
        ["A-0"],
        ["A1"],
        [7],
    ],
)
def test_bad_chair_lists_are_a_422(booking, chairs):
    answer = booking.hold(customer(), chairs)
    assert answer.status == 422, answer


def test_a_started_screening_cannot_be_held(stack):
    booking = Booking(stack, make_screening(stack, hours_from_now=1))
    clock.advance(3601)
    answer = booking.hold(customer(), ["A-1"])
    assert answer.status == 409 and answer.body["code"] == "SCREENING_STARTED"


def test_a_user_holds_at_most_the_cap_of_live_chairs(make_stack):
    stack = make_stack(MaxHeldChairsPerUser="3")
    booking = Booking(stack, make_screening(stack))
    alice = customer()
    assert booking.hold(alice, ["A-1", "A-2"]).status == 201
    refused = booking.hold(alice, ["A-3", "A-4"])
    assert refused.status == 429 and refused.body["code"] == "TOO_MANY_HELD_CHAIRS"
    assert refused.body["details"] == {"held": 2, "asked": 2, "limit": 3}
    assert int(refused.headers["Retry-After"]) > 0
    assert booking.statuses()["A-3"] == "AVAILABLE"
    assert booking.hold(alice, ["A-3"]).status == 201
    assert booking.hold(customer(), ["A-4", "A-5"]).status == 201, "the cap is per user"


@pytest.mark.parametrize("already_holding", [0, 1], ids=["first-hold", "with-a-hold"])
def test_two_holds_of_one_user_racing_past_the_cap_are_refused_by_the_quota_condition(
    make_stack, monkeypatch, already_holding
):
    """Hold A reads the user's quota; before A writes, hold B of the same user reads and commits. A's quota
    write is conditional on the quota it read (its version, or its absence), so A reads again and is refused:
    the user never holds more than the cap, however their requests interleave."""
    stack = make_stack(MaxHeldChairsPerUser="3")
    booking = Booking(stack, make_screening(stack))
    alice = customer()
    if already_holding:
        assert booking.hold(alice, ["B-5"]).status == 201
    orders = stack.module("PlaceOrderFunction", "boxoffice.booking.orders")
    read_quota = orders.get_many
    racer = {}

    def read_then_let_b_commit(*wanted):
        found = read_quota(*wanted)
        if "b" not in racer:
            racer["b"] = None  # B's own read passes straight through
            racer["b"] = booking.hold(alice, ["B-1", "B-2"][: 3 - already_holding - 1])
        return found

    monkeypatch.setattr(orders, "get_many", read_then_let_b_commit)
    first = booking.hold(alice, ["A-1", "A-2"])
    assert racer["b"].status == 201
    assert first.status == 429 and first.body["code"] == "TOO_MANY_HELD_CHAIRS", first.body
    assert first.body["details"]["held"] == 2
    held = [chair for chair, state in booking.statuses().items() if state == "HELD"]
    assert len(held) == 2 and "A-1" not in held


def test_a_sold_chair_is_never_held_again_even_after_its_hold_would_have_lapsed(make_stack):
    """A sale clears the chair's hold; what keeps the chair is its sale, for good."""
    stack = make_stack(HoldSeconds="60")
    booking = Booking(stack, make_screening(stack))
    alice = customer()
    order = booking.hold(alice, ["A-1", "A-2"]).body
    assert booking.pay(alice, order).status == 200
    clock.advance(61)
    for who in (customer(), alice, staff()):
        refused = booking.hold(who, ["A-2", "A-3"])
        assert refused.status == 409 and refused.body["code"] == "CHAIR_UNAVAILABLE", refused.body
        assert refused.body["details"] == {"chairs": ["A-2"]}
    assert booking.statuses()["A-2"] == "SOLD" and booking.statuses()["A-3"] == "AVAILABLE"
    assert booking.order(alice, order["order_id"]).body["status"] == "PAID"


def test_cancelling_or_letting_a_hold_lapse_gives_the_quota_back(make_stack):
    stack = make_stack(MaxHeldChairsPerUser="2", HoldSeconds="60")
    booking = Booking(stack, make_screening(stack))
    alice = customer()
    first = booking.hold(alice, ["A-1", "A-2"]).body
    assert booking.hold(alice, ["A-3"]).status == 429
    assert booking.cancel(alice, first["order_id"]).status == 200
    assert booking.hold(alice, ["A-3", "A-4"]).status == 201
    clock.advance(61)
    assert booking.hold(alice, ["B-1", "B-2"]).status == 201, "lapsed holds no longer count, swept or not"


def test_staff_sell_at_the_box_office_for_a_member_without_the_cap(make_stack, aws_calls):
    stack = make_stack(MaxHeldChairsPerUser="1")
    booking = Booking(stack, make_screening(stack))
    member = stack.call("CreateMemberFunction", body={"name": "Max", "email": "max@example.com", "city": "Rome"}).body
    clerk = staff()
    aws_calls.reset()
    sale = booking.hold(clerk, ["A-1", "A-2", "A-3"], member_id=member["member_id"])
    assert sale.status == 201 and sale.body["member_id"] == member["member_id"]
    batch = next(params for _, operation, params in aws_calls.log if operation == "BatchGetItem")
    keys = [key for request in batch["RequestItems"].values() for key in request["Keys"]]
    assert all(value["S"] for key in keys for value in key.values()), "DynamoDB refuses empty key values"
    assert len(keys) == 1, "no quota is read for staff"
    assert sale.body["user_id"] == clerk["sub"]
    unknown = booking.hold(clerk, ["B-1"], member_id="nosuchmember")
    assert unknown.status == 404 and booking.statuses()["B-1"] == "AVAILABLE"
    assert booking.hold(customer(), ["B-2"], member_id=member["member_id"]).status == 403


def test_a_retry_with_the_same_idempotency_key_returns_the_same_order(booking):
    alice = customer()
    first = booking.hold(alice, ["A-1", "A-2"], key="hold-attempt-0001")
    again = booking.hold(alice, ["A-2", "A-1"], key="hold-attempt-0001")
    assert first.status == 201 and again.status == 200
    assert again.body == first.body
    other_user = booking.hold(customer(), ["A-3"], key="hold-attempt-0001")
    assert other_user.status == 201, "keys are per user"
    changed = booking.hold(alice, ["A-4"], key="hold-attempt-0001")
    assert changed.status == 422 and changed.body["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert booking.statuses()["A-4"] == "AVAILABLE"
    assert booking.hold(alice, ["A-5"], key="bad key!").status == 422


def test_a_lapsed_hold_frees_its_chairs_for_everyone_without_the_sweeper(make_stack):
    stack = make_stack(HoldSeconds="60")
    booking = Booking(stack, make_screening(stack))
    alice, bob = customer(), customer()
    held = booking.hold(alice, ["A-1", "A-2"]).body
    clock.advance(60)
    assert booking.statuses()["A-1"] == "AVAILABLE", "an expired hold reads AVAILABLE while its item remains"
    assert booking.order(alice, held["order_id"]).body["status"] == "EXPIRED"
    taken = booking.hold(bob, ["A-1"])
    assert taken.status == 201, "another user takes the chair of a lapsed hold"
    refused = booking.cancel(alice, held["order_id"])
    assert refused.status == 409 and refused.body["code"] == "HOLD_EXPIRED"

    assert booking.sweep()["expired"] == 1
    assert booking.statuses() == {**booking.statuses(), "A-1": "HELD", "A-2": "AVAILABLE"}
    assert booking.order(bob, taken.body["order_id"]).body["status"] == "HELD", "bob's hold survives the sweep"
    assert booking.order(alice, held["order_id"]).body["status"] == "EXPIRED"
    assert booking.sweep()["expired"] == 0, "sweeping again changes nothing"


def test_the_sweeper_is_bounded_per_run(make_stack):
    stack = make_stack(HoldSeconds="60")
    booking = Booking(stack, make_screening(stack, rows=3, seats=10))
    for index in range(1, 8):
        booking.hold(customer(), [f"A-{index}"])
    clock.advance(61)
    environment = stack.runtime.environment("SweepHoldsFunction")
    environment.spec.environment["SWEEP_BATCH_SIZE"] = "5"
    assert booking.sweep() == {"candidates": 5, "expired": 5}
    assert booking.sweep() == {"candidates": 2, "expired": 2}
    assert booking.sweep() == {"candidates": 0, "expired": 0}


def test_a_payment_landing_between_the_sweepers_listing_and_its_write_stays_paid(make_stack, monkeypatch):
    """The sweeper lists a lapsed hold; before its transaction runs, a payment accepted while the hold was still
    live (its function read the clock a moment earlier) sells the chairs. The sweeper's write is conditional on
    the order still being a lapsed HELD order, so it expires nothing: the order stays PAID, its chairs SOLD."""
    stack = make_stack(HoldSeconds="60")
    booking = Booking(stack, make_screening(stack))
    alice = customer()
    order = booking.hold(alice, ["A-1", "A-2"]).body
    sweeper = stack.module("SweepHoldsFunction", "boxoffice.booking.sweeper")
    listed_before_the_payment = sweeper.lapsed_holds
    paid = {}

    def listing_then_a_payment(now, limit):
        listed = listed_before_the_payment(now, limit)
        assert [found.order_id for found in listed] == [order["order_id"]], "the sweeper saw the lapsed hold"
        clock.advance(-1)  # the payment function's clock: one second before the hold lapsed
        paid["answer"] = booking.pay(alice, order)
        clock.advance(1)
        return listed

    monkeypatch.setattr(sweeper, "lapsed_holds", listing_then_a_payment)
    clock.advance(60)
    assert booking.sweep() == {"candidates": 1, "expired": 0}
    assert paid["answer"].status == 200 and paid["answer"].body["status"] == "PAID"
    assert booking.order(alice, order["order_id"]).body["status"] == "PAID"
    assert {chair: state for chair, state in booking.statuses().items() if chair in ("A-1", "A-2")} == {
        "A-1": "SOLD",
        "A-2": "SOLD",
    }
    assert booking.hold(customer(), ["A-1"]).status == 409, "a sold chair is never held again"


def test_cancelling_frees_the_chairs_at_once_and_twice_answers_the_same(booking):
    alice = customer()
    held = booking.hold(alice, ["A-1", "A-2"]).body
    cancelled = booking.cancel(alice, held["order_id"])
    assert cancelled.status == 200 and cancelled.body["status"] == "CANCELLED"
    assert booking.statuses()["A-1"] == "AVAILABLE"
    again = booking.cancel(alice, held["order_id"])
    assert again.status == 200 and again.body == cancelled.body
    assert booking.hold(customer(), ["A-1"]).status == 201


def test_nobody_sees_or_cancels_someone_elses_order(booking):
    alice, mallory = customer(), customer()
    held = booking.hold(alice, ["A-1"]).body
    for answer in (booking.order(mallory, held["order_id"]), booking.cancel(mallory, held["order_id"])):
        assert answer.status == 404 and answer.body["code"] == "NOT_FOUND"
    assert booking.order(alice, held["order_id"]).body["status"] == "HELD"
    assert booking.orders(mallory).body["items"] == []
    clerk = staff()
    assert booking.order(clerk, held["order_id"]).status == 200, "orders:view-all sees it"
    assert booking.cancel(clerk, held["order_id"]).body["status"] == "CANCELLED", "orders:manage may cancel it"


def test_orders_list_newest_first_and_filter(booking):
    alice = customer()
    first = booking.hold(alice, ["A-1"]).body
    clock.advance(1)
    second = booking.hold(alice, ["A-2"]).body
    booking.cancel(alice, first["order_id"])
    mine = booking.orders(alice).body["items"]
    assert [order["order_id"] for order in mine] == [second["order_id"], first["order_id"]]
    assert [order["order_id"] for order in booking.orders(alice, status="CANCELLED").body["items"]] == [
        first["order_id"]
    ]
    clerk = staff()
    by_screening = booking.orders(clerk, screening_id=booking.screening_id).body["items"]
    assert {order["order_id"] for order in by_screening} == {first["order_id"], second["order_id"]}
    held = booking.orders(clerk, screening_id=booking.screening_id, status="HELD").body["items"]
    assert [order["order_id"] for order in held] == [second["order_id"]]
    # Without a screening or a member, staff get their own orders (their My orders), as customers do.
    own = booking.hold(clerk, ["B-1"]).body
    assert [order["order_id"] for order in booking.orders(clerk).body["items"]] == [own["order_id"]]
    assert [order["order_id"] for order in booking.orders(clerk, status="HELD").body["items"]] == [own["order_id"]]
    assert booking.orders(clerk, status="CANCELLED").body["items"] == []
    assert booking.orders(alice, status="LOST").status == 422


def test_request_budgets_of_the_booking_paths(booking, aws_calls):
    alice = customer()
    # The first hold of an environment reads the screening's venue (its tax rate), then keeps it for a minute.
    aws_calls.reset()
    booking.hold(alice, ["B-1"])
    assert aws_calls.of("dynamodb") == {"BatchGetItem": 1, "GetItem": 1, "TransactWriteItems": 1}
    for chairs in (["A-1"], ["A-2", "A-3", "A-4", "A-5"]):
        aws_calls.reset()
        held = booking.hold(alice, chairs).body
        assert aws_calls.of("dynamodb") == {"BatchGetItem": 1, "TransactWriteItems": 1}
    aws_calls.reset()
    booking.seat_map(limit="4")
    assert aws_calls.of("dynamodb") == {"Query": 1}
    aws_calls.reset()
    booking.order(alice, held["order_id"])
    assert aws_calls.of("dynamodb") == {"GetItem": 1}
    aws_calls.reset()
    booking.cancel(alice, held["order_id"])
    assert aws_calls.total("dynamodb") <= 2
    assert aws_calls.of("dynamodb") == {"GetItem": 1, "TransactWriteItems": 1}


def test_adding_chairs_never_overwrites_one(stack, booking):
    manager = {"sub": "manager", "username": "manager", "permissions": "screenings:manage"}
    booking.hold(customer(), ["A-1"])
    added = stack.call(
        "AddChairsFunction",
        identity=manager,
        path={"screening_id": booking.screening_id},
        body={"chairs": ["A-6", "C-1"]},
    )
    assert added.status == 201 and [chair["chair_id"] for chair in added.body] == ["A-6", "C-1"]
    assert added.body[0]["price_cents"] == 1000
    clash = stack.call(
        "AddChairsFunction",
        identity=manager,
        path={"screening_id": booking.screening_id},
        body={"chairs": ["C-2", "A-1"]},
    )
    assert clash.status == 409 and clash.body["code"] == "CHAIR_EXISTS" and clash.body["details"]["chairs"] == ["A-1"]
    statuses = booking.statuses()
    assert statuses["A-1"] == "HELD" and "C-2" not in statuses
    assert (
        stack.call(
            "AddChairsFunction", identity=manager, path={"screening_id": "nosuch"}, body={"chairs": ["A-1"]}
        ).status
        == 404
    )
    assert (
        stack.call(
            "AddChairsFunction",
            identity=customer(),
            path={"screening_id": booking.screening_id},
            body={"chairs": ["D-1"]},
        ).status
        == 403
    )
    assert stack.call("GetScreeningFunction", path={"screening_id": booking.screening_id}).body["chair_count"] == 12


def test_holds_and_cancellations_through_the_gateway_with_real_tokens(stack, accounts):
    booking = Booking(stack, make_screening(stack))
    alice = accounts.customer()
    held = stack.api.post("/orders", {"screening_id": booking.screening_id, "chairs": ["A-1"]}, token=alice.token)
    assert held.status == 201
    assert stack.api.get(f"/orders/{held.body['order_id']}", token=alice.token).body["status"] == "HELD"
    assert (
        stack.api.get(f"/screenings/{booking.screening_id}/chairs", token=alice.token, query={"status": "HELD"}).body[
            "items"
        ][0]["chair_id"]
        == "A-1"
    )
    assert stack.api.delete(f"/orders/{held.body['order_id']}", token=alice.token).body["status"] == "CANCELLED"
