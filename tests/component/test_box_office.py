"""The box office: staff sell for cash or card present (nothing charged online), and the day's till adds up."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from tests.component.booking_helpers import Booking, charges, customer, make_screening, refunds
from tests.component.catalog_helpers import business_day
from tools.factories import STAFF_PERMISSIONS, staff_context

ana = staff_context("ana", STAFF_PERMISSIONS)
ben = staff_context("ben", STAFF_PERMISSIONS)


@pytest.fixture
def booking(stack):
    return Booking(stack, make_screening(stack, rows=4, seats=10, hours_from_now=48))


def sell(booking, who, chairs, method):
    order = booking.hold(who, chairs).body
    answer = booking.pay(who, order, method)
    assert answer.status == 200, answer
    return answer.body


def till(stack, who=ana, **query):
    return stack.call("GetTillFunction", identity=who, query=query)


def today() -> str:
    """The default venue's business day now: what its till is kept by."""
    return business_day()


def test_staff_sell_for_cash_and_card_present_without_charging_anyone(stack, booking, aws):
    cash = sell(booking, ana, ["A-1", "A-2"], "cash")
    card = sell(booking, ana, ["A-3"], "card_present")
    assert cash["status"] == card["status"] == "PAID" and len(cash["tickets"]) == 2
    assert charges(aws) == [], "nothing went to the payment provider"
    assert booking.statuses()["A-1"] == "SOLD"


def test_a_customer_cannot_pay_cash_and_the_hold_stays(booking):
    alice = customer("alice")
    order = booking.hold(alice, ["B-1"]).body
    refused = booking.pay(alice, order, "cash")
    assert refused.status == 403 and refused.body["code"] == "BOX_OFFICE_ONLY"
    assert booking.order(alice, order["order_id"]).body["status"] == "HELD"
    assert booking.pay(alice, order, key="second-try-1").status == 200


def test_refunding_a_cash_sale_gives_cash_back_on_the_refunders_till(stack, booking, aws):
    order = sell(booking, ana, ["A-1", "A-2"], "cash")
    refunded = booking.refund(ben, order["order_id"], chairs=["A-2"])
    assert refunded.status == 200 and refunded.body["refunded_cents"] == order["amount_cents"] // 2
    assert refunds(aws) == [], "a cash refund is paid over the counter"
    lines = {(line["username"], line["method"]): line for line in till(stack, date=today()).body["totals"]}
    assert lines[("ana", "cash")]["sales_cents"] == order["amount_cents"]
    assert lines[("ben", "cash")]["refunds_cents"] == order["amount_cents"] // 2
    assert lines[("ben", "cash")]["net_cents"] == -(order["amount_cents"] // 2)


def test_online_sales_are_not_on_any_till(stack, booking):
    alice = customer("alice")
    sell(booking, alice, ["C-1"], "tok_ok")
    assert till(stack, date=today()).body == {"venue_id": "main", "date": today(), "totals": []}


def test_the_till_adds_up_per_staff_method_and_currency(stack, booking):
    """Random sales and refunds by two staff members; the till equals a recount from the orders."""
    pick = random.Random(7)
    free = [f"{row}-{seat}" for row in "ABCD" for seat in range(1, 11)]
    expected: Counter[tuple[str, str, str]] = Counter()
    sold: list[tuple[dict, list[str]]] = []
    for _ in range(14):
        who = pick.choice([ana, ben])
        if sold and pick.random() < 0.4:
            order, left = pick.choice(sold)
            if not left:
                continue
            chairs = pick.sample(left, pick.randint(1, len(left)))
            answer = booking.refund(who, order["order_id"], chairs=chairs)
            assert answer.status == 200, answer
            for chair in chairs:
                left.remove(chair)
            expected[(who["username"], order["method"], "refunds")] += 1000 * len(chairs)
        else:
            chairs = [free.pop(0) for _ in range(pick.randint(1, 3))]
            method = pick.choice(["cash", "card_present"])
            order = sell(booking, who, chairs, method)
            order["method"] = method
            sold.append((order, list(chairs)))
            expected[(who["username"], method, "sales")] += order["amount_cents"]
    answer = till(stack, date=today())
    assert answer.status == 200
    for line in answer.body["totals"]:
        assert line["currency"] == "EUR"
        assert line["sales_cents"] == expected[(line["username"], line["method"], "sales")]
        assert line["refunds_cents"] == expected[(line["username"], line["method"], "refunds")]
        assert line["net_cents"] == line["sales_cents"] - line["refunds_cents"]
    seen = {(line["username"], line["method"]) for line in answer.body["totals"]}
    assert seen == {(name, method) for name, method, _ in expected}

    only_ana = till(stack, date=today(), staff_id=ana["sub"]).body["totals"]
    assert only_ana and {line["username"] for line in only_ana} == {"ana"}
    assert till(stack, date="2001-01-01").body["totals"] == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({}, "VALIDATION_FAILED"),
        ({"date": "yesterday"}, "VALIDATION_FAILED"),
        ({"date": "2026-13-01"}, "VALIDATION_FAILED"),
        ({"date": "2026-11-30", "staff_id": "bad id!"}, "VALIDATION_FAILED"),
        ({"date": "2026-11-30", "till": "1"}, "UNKNOWN_PARAMETER"),
    ],
)
def test_a_bad_till_query_is_a_422(stack, query, code):
    answer = till(stack, **query)
    assert answer.status == 422 and answer.body["code"] == code, answer


def test_only_box_office_staff_read_the_till(stack):
    assert till(stack, who=customer(), date="2026-11-30").status == 403
    assert till(stack, who=staff_context("door", "tickets:check-in"), date="2026-11-30").status == 403
