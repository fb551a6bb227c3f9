"""Recommendations from who bought and subscribed to what, counted incrementally, read with a bounded budget."""

from __future__ import annotations

from typing import Any

import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer
from tests.component.catalog_helpers import at
from tools import factories
from tools.factories import staff_context

manager = staff_context(
    "catalog", factories.MANAGER_PERMISSIONS + " members:create subscriptions:create subscriptions:delete"
)


def create(stack, function: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = stack.call(function, identity=manager, body=body)
    assert answer.status == 201, answer
    return dict(answer.body)


@pytest.fixture
def catalog(stack) -> dict[str, Any]:
    """Four movies, each with a screening to come in one hall, and the screenings' bookings."""
    clock.freeze()
    hall = create(stack, "CreateHallFunction", factories.hall_body(2, 5, name="Reco"))
    movies, bookings = {}, {}
    for number, name in enumerate(["Alpha", "Bravo", "Charlie", "Delta"]):
        movie = create(stack, "CreateMovieFunction", factories.movie_body(name=name, runtime_minutes=90))
        screening = create(
            stack,
            "CreateScreeningFunction",
            factories.screening_body(movie["movie_id"], hall["hall_id"], at(48 + 4 * number)),
        )
        movies[name] = movie["movie_id"]
        bookings[name] = Booking(stack, screening["screening_id"])
    return {"movies": movies, "bookings": bookings}


def buy(catalog, who: dict[str, str], name: str, chair: str) -> None:
    booking = catalog["bookings"][name]
    order = booking.hold(who, [chair]).body
    assert booking.pay(who, order).status == 200


def names(answer) -> list[tuple[str, int]]:
    assert answer.status == 200, answer
    return [(item["name"], item["score"]) for item in answer.body["items"]]


def test_people_who_chose_this_movie_also_chose_in_order_and_a_refund_takes_it_back(stack, catalog):
    u1, u2, u3, u4, u5 = (customer(f"reco-{n}") for n in range(5))
    buy(catalog, u5, "Alpha", "B-1")
    buy(catalog, u5, "Bravo", "B-1")
    buy(catalog, u1, "Alpha", "A-1")
    buy(catalog, u1, "Bravo", "A-1")
    buy(catalog, u2, "Alpha", "A-2")
    buy(catalog, u2, "Bravo", "A-2")
    buy(catalog, u2, "Bravo", "A-3")  # a second order of the same movie adds nothing
    buy(catalog, u3, "Alpha", "A-3")
    buy(catalog, u3, "Charlie", "A-1")
    # A member's subscriptions are a basket too.
    member = create(stack, "CreateMemberFunction", {"name": "Mia", "email": "mia@example.com", "city": "Oslo"})
    for name in ("Alpha", "Charlie"):
        create(
            stack,
            "CreateSubscriptionFunction",
            {"member_id": member["member_id"], "movie_id": catalog["movies"][name], "date": "2026-01-01"},
        )
    stack.deliver_events()
    alpha = {"movie_id": catalog["movies"]["Alpha"]}
    assert names(stack.call("GetMovieRecommendationsFunction", identity=u4, path=alpha)) == [
        ("Bravo", 3),
        ("Charlie", 2),
    ]

    # u4 saw Alpha: Bravo and Charlie have screenings to come, Alpha is not offered back.
    buy(catalog, u4, "Alpha", "A-4")
    stack.deliver_events()
    mine = stack.call("GetMyRecommendationsFunction", identity=u4)
    assert mine.body["basis"] == "co-occurrence"
    assert [name for name, _ in names(mine)] == ["Bravo", "Charlie"]

    # u3 refunds Charlie: the pair Alpha-Charlie loses u3's point.
    charlie = catalog["bookings"]["Charlie"]
    u3_orders = charlie.orders(u3).body["items"]
    assert charlie.refund(u3, u3_orders[0]["order_id"]).status == 200
    stack.deliver_events()
    assert names(stack.call("GetMovieRecommendationsFunction", identity=u4, path=alpha)) == [
        ("Bravo", 3),
        ("Charlie", 1),
    ]


def test_with_nothing_to_go_on_a_customer_gets_what_sells_now(stack, catalog):
    buyers = [customer(f"seller-{n}") for n in range(3)]
    for n, who in enumerate(buyers):
        buy(catalog, who, "Delta", f"B-{n + 1}")
    buy(catalog, buyers[0], "Charlie", "B-1")
    stack.deliver_events()
    fresh = stack.call("GetMyRecommendationsFunction", identity=customer("newcomer"))
    assert fresh.body["basis"] == "selling-now"
    assert names(fresh)[:2] == [("Delta", 3), ("Charlie", 1)]


def test_each_event_counts_once_however_often_it_comes(stack, catalog):
    u1 = customer("twice")
    buy(catalog, u1, "Alpha", "A-1")
    buy(catalog, u1, "Bravo", "A-1")
    stack.events.redeliver = True
    stack.deliver_events()
    paid = [e for e in _events(stack) if e["detail-type"] == "OrderPaid"]
    for event in paid:  # the bus delivering each again
        assert stack.invoke("UpdateRecommendationsFunction", event) == {"applied": False}
    alpha = {"movie_id": catalog["movies"]["Alpha"]}
    assert names(stack.call("GetMovieRecommendationsFunction", identity=u1, path=alpha)) == [("Bravo", 1)]


def _events(stack) -> list[dict[str, Any]]:
    import json

    import boto3

    table = boto3.client("dynamodb", region_name="us-east-1")
    items = table.scan(TableName="EventsTable")["Items"]
    return [
        {"source": "boxoffice", "detail-type": item["detail_type"]["S"], "detail": json.loads(item["detail"]["S"])}
        for item in items
    ]


def test_recommendations_cost_a_bounded_number_of_requests(stack, catalog, aws_calls):
    u1 = customer("budget")
    for name in ("Alpha", "Bravo", "Charlie"):
        buy(catalog, u1, name, "B-5")
    stack.deliver_events()
    aws_calls.reset()
    stack.call("GetMovieRecommendationsFunction", identity=u1, path={"movie_id": catalog["movies"]["Alpha"]})
    assert aws_calls.of("dynamodb") == {"Query": 1, "BatchGetItem": 1}
    aws_calls.reset()
    stack.call("GetMyRecommendationsFunction", identity=u1)
    calls = aws_calls.of("dynamodb")
    # the basket, one Query per seen movie (at most 10), the screenings to come, the movies' names
    assert calls["Query"] == 1 + 3 + 1 and calls.get("BatchGetItem", 0) <= 3, calls
    assert sum(calls.values()) <= 15


def test_an_unknown_movie_is_404(stack):
    answer = stack.call("GetMovieRecommendationsFunction", identity=customer(), path={"movie_id": "nope"})
    assert answer.status == 404 and answer.body["code"] == "NOT_FOUND"
