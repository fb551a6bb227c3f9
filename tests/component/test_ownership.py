"""Nobody acts on what is not theirs: another customer gets 404 and changes nothing; staff get what they hold."""

from __future__ import annotations

import pytest

from tests.component.booking_helpers import make_screening


@pytest.fixture
def world(stack, accounts):
    """Alice's held and paid orders, and the people who might reach for them."""
    screening_id = make_screening(stack)
    alice = accounts.customer("alice")
    people = {
        "mallory": accounts.customer("mallory"),
        "viewer": accounts.staff({"orders:view-all"}),
        "manager": accounts.staff({"orders:manage"}),
    }

    def hold(chair: str) -> dict:
        answer = stack.api.post("/orders", {"screening_id": screening_id, "chairs": [chair]}, token=alice.token)
        assert answer.status == 201, answer
        return answer.body

    paid = hold("A-1")
    assert (
        stack.api.post(
            f"/orders/{paid['order_id']}/payment",
            {"confirmation_id": paid["confirmation_id"], "payment_method": "tok_ok"},
            token=alice.token,
            headers={"Idempotency-Key": "alice-pays-0001"},
        ).status
        == 200
    )
    return {"alice": alice, "held": hold("A-2"), "paid": paid, "hold": hold, "people": people}


def snapshot(stack, alice, order_id: str):
    return stack.api.get(f"/orders/{order_id}", token=alice.token).body


def act(stack, who, action: str, order: dict):
    if action == "read":
        return stack.api.get(f"/orders/{order['order_id']}", token=who.token)
    if action == "cancel":
        return stack.api.delete(f"/orders/{order['order_id']}", token=who.token)
    if action == "pay":
        return stack.api.post(
            f"/orders/{order['order_id']}/payment",
            {"confirmation_id": order["confirmation_id"], "payment_method": "tok_ok"},
            token=who.token,
            headers={"Idempotency-Key": f"{who.username}-pays-0001"},
        )
    return stack.api.post(f"/orders/{order['order_id']}/refund", token=who.token)


# (action, which of alice's orders) -> the answer each person gets
EXPECTED = {
    ("read", "held"): {"mallory": 404, "viewer": 200, "manager": 200},
    ("read", "paid"): {"mallory": 404, "viewer": 200, "manager": 200},
    ("cancel", "held"): {"mallory": 404, "viewer": 403, "manager": 200},
    ("pay", "held"): {"mallory": 404, "viewer": 403, "manager": 200},
    ("refund", "paid"): {"mallory": 404, "viewer": 403, "manager": 200},
}


@pytest.mark.parametrize(("action", "which"), sorted(EXPECTED))
@pytest.mark.parametrize("person", ["mallory", "viewer", "manager"])
def test_each_person_gets_exactly_what_their_permissions_allow(stack, world, action, which, person):
    order = world[which]
    who = world["people"][person]
    before = snapshot(stack, world["alice"], order["order_id"])
    answer = act(stack, who, action, order)
    expected = EXPECTED[(action, which)][person]
    assert answer.status == expected, answer
    after = snapshot(stack, world["alice"], order["order_id"])
    if expected != 200 or action == "read":
        assert after == before, "nothing changed"
    if expected == 404:
        assert answer.body == {
            "code": "NOT_FOUND",
            "message": "No such order",
            "details": {"order_id": order["order_id"]},
        }, "the same answer as for no order at all"
        ghost = act(stack, who, action, {**order, "order_id": "0" * 32})
        assert ghost.status == 404 and ghost.body["message"] == answer.body["message"]


def test_an_order_list_shows_only_your_own(stack, world):
    mine = stack.api.get("/orders", token=world["alice"].token).body["items"]
    assert {order["order_id"] for order in mine} == {world["held"]["order_id"], world["paid"]["order_id"]}
    assert stack.api.get("/orders", token=world["people"]["mallory"].token).body["items"] == []


def test_customers_cannot_reach_other_accounts(stack, world, accounts):
    mallory = world["people"]["mallory"]
    alice = world["alice"]
    for method in ("get", "delete"):
        assert getattr(stack.api, method)(f"/users/{alice.user_id}", token=mallory.token).status == 403
    assert stack.api.put(f"/users/{alice.user_id}", {"first_name": "X"}, token=mallory.token).status == 403
    assert stack.api.get("/me", token=alice.token).body["first_name"] == "Cus", "nothing changed"
    me = stack.api.get("/me", token=mallory.token).body
    assert me["user_id"] == mallory.user_id, "/me is always your own account"
