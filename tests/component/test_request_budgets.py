"""DynamoDB requests per endpoint, counted exactly; no endpoint ever Scans."""

from __future__ import annotations

import pytest

from tests.component.catalog_helpers import hall_body, movie_body, screening_body


@pytest.fixture
def counted(stack, aws_calls):
    """Call a function directly and return (answer, {operation: count}) of the DynamoDB requests it made."""

    def call(logical_id, **kwargs):
        aws_calls.reset()
        answer = stack.call(logical_id, **kwargs)
        assert answer.status < 500, answer
        return answer, aws_calls.of("dynamodb")

    return call


def test_catalog_endpoints_make_the_fewest_requests_and_never_scan(counted, aws_calls):
    movie, calls = counted("CreateMovieFunction", body=movie_body())
    assert calls == {"PutItem": 1}
    movie_id = movie.body["movie_id"]
    assert counted("GetMovieFunction", path={"movie_id": movie_id})[1] == {"GetItem": 1}
    assert counted("ListMoviesFunction", query={"limit": "5"})[1] == {"Query": 1}
    assert counted("ListMoviesFunction", query={"genre": "drama", "name": "met"})[1] == {"Query": 1}
    assert counted("UpdateMovieFunction", path={"movie_id": movie_id}, body=movie_body(name="M2"))[1] == {
        "GetItem": 1,
        "UpdateItem": 1,
    }

    member, calls = counted("CreateMemberFunction", body={"name": "M", "email": "m@example.com", "city": "Oslo"})
    assert calls == {"PutItem": 1}
    member_id = member.body["member_id"]
    assert counted("GetMemberFunction", path={"member_id": member_id})[1] == {"GetItem": 1}
    assert counted("ListMembersFunction")[1] == {"Query": 1}

    subscription, calls = counted(
        "CreateSubscriptionFunction", body={"member_id": member_id, "movie_id": movie_id, "date": "2026-05-05"}
    )
    assert calls == {"TransactWriteItems": 1, "BatchGetItem": 1}  # the member's and movie's names
    # A page: one Query, one BatchGetItem for the names on it (up to 100 members and movies per batch).
    assert counted("ListSubscriptionsFunction", query={"member_id": member_id})[1] == {"Query": 1, "BatchGetItem": 1}
    assert counted("ListSubscriptionsFunction")[1] == {"Query": 1, "BatchGetItem": 1}
    # A person's delete first stamps who is deleting (the stream's REMOVE shows only the item as it was).
    assert counted("DeleteSubscriptionFunction", path={"subscription_id": subscription.body["subscription_id"]})[1] == {
        "GetItem": 1,
        "UpdateItem": 1,
        "DeleteItem": 1,
    }

    # The first hall finds no venue and makes the default one; the next find it (its index) and count on it.
    _, calls = counted("CreateHallFunction", body=hall_body(rows=1, seats=5))
    assert calls == {"Query": 1, "PutItem": 1, "GetItem": 1, "TransactWriteItems": 1}
    hall, calls = counted("CreateHallFunction", body=hall_body(rows=15, seats=20))
    assert calls == {"Query": 1, "TransactWriteItems": 1}
    hall_id = hall.body["hall_id"]
    _, calls = counted("CreateHallFunction", body=hall_body(rows=1, seats=5, venue_id=hall.body["venue_id"]))
    assert calls == {"TransactWriteItems": 1}
    assert counted("GetHallFunction", path={"hall_id": hall_id})[1] == {"GetItem": 1}
    assert counted("ListHallsFunction")[1] == {"Query": 1}

    screening, calls = counted("CreateScreeningFunction", body=screening_body(movie_id, hall_id))
    # hall, its venue (cached a minute per environment) and movie read, overlap query, one transaction to book
    # the hall, 300 chairs in 3 transactions, ready flag
    assert calls == {"GetItem": 3, "Query": 1, "TransactWriteItems": 1 + 3, "UpdateItem": 1}
    assert counted("GetScreeningFunction", path={"screening_id": screening.body["screening_id"]})[1] == {"GetItem": 1}
    assert counted("ListScreeningsFunction")[1] == {"Query": 1}
    assert counted("ListScreeningsFunction", query={"movie_id": movie_id})[1] == {"Query": 1}

    assert counted("DeleteMemberFunction", path={"member_id": member_id})[1] == {
        "GetItem": 1,
        "UpdateItem": 1,  # who is deleting, stamped first
        "DeleteItem": 1,
        "Query": 1,
    }
    assert ("dynamodb", "Scan") not in aws_calls.calls


def test_the_write_and_read_units_of_a_booking(stack):
    """A booking (the seat map of a 300-chair screening, a hold of two chairs, the payment) metered from the items
    it touched: no index written on payment but the sparse one the hold leaves, no idempotency record, the seat
    map read eventually consistent (issue 13)."""
    from local.capacity import CapacityMeter
    from tests.component.booking_helpers import Booking, make_screening
    from tools.factories import customer_context

    booking = Booking(stack, make_screening(stack, rows=15, seats=20))
    buyer = customer_context()
    with CapacityMeter() as meter:
        booking.seat_map(limit="500")
        seat_map = meter.reset()
        order = booking.hold(buyer, ["A-1", "A-2"]).body
        hold = meter.reset()
        assert booking.pay(buyer, order).status == 200
        pay = meter.reset()
    assert seat_map.write_units == 0 and seat_map.read_units <= 4, seat_map.by_line
    held_indexes = {line for line in hold.by_line if " index " in line}
    assert held_indexes == {
        "OrdersTable index by_user",
        "OrdersTable index by_screening",
        "OrdersTable index by_expiry",
    }
    assert all(units == 1 for line, units in hold.by_line.items() if " index " in line), "one write per index"
    assert hold.write_units <= 13, hold.by_line
    paid_indexes = {line: units for line, units in pay.by_line.items() if " index " in line}
    assert paid_indexes == {"OrdersTable index by_expiry": 1}, "leaving the sweeper's index is the only index write"
    assert not any(line.startswith("IdempotencyTable") for line in pay.by_line)
    ours = pay.write_units - sum(units for line, units in pay.by_line.items() if line.startswith("PaymentLedger"))
    assert ours <= 15, pay.by_line
