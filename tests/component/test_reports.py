"""Reports are kept from the events, and always equal a recomputation from the orders themselves."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer, make_screening, orders_of, staff
from tests.component.catalog_helpers import business_day
from tests.profiles import examples
from tools.factories import DOOR_PERMISSIONS, staff_context

reporter = staff("reporter", "reports:view")
door = staff_context("door-1", DOOR_PERMISSIONS)
CHAIRS = [f"{row}-{seat}" for row in "AB" for seat in range(1, 4)]


def recomputed(orders: list[dict[str, Any]]) -> dict[str, Any]:
    """What the screening's report must say, from the orders as they are."""
    sold = held = refunded = checked_in = revenue = 0
    for order in orders:
        chairs, gone = order["chairs"], set(order.get("refunded_chairs") or [])
        if order["status"] == "HELD":
            held += len(chairs)
        if order["status"] in ("PAID", "REFUNDED"):
            sold += len(chairs) - len(gone)
            refunded += len(gone)
            revenue += int(order["amount_cents"]) - int(order.get("refunded_cents") or 0)
            checked_in += sum(1 for ticket in order.get("tickets") or [] if ticket.get("checked_in_at"))
    return {"sold": sold, "held": held, "refunded": refunded, "checked_in": checked_in, "revenue": revenue}


def daily_recomputed(orders: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    days: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for order in orders:
        if order.get("paid_at"):
            day = days[business_day(order["paid_at"])]
            day["tickets"] += len(order["chairs"])
            day["revenue"] += int(order["amount_cents"])
        for entry in order.get("refunds") or []:
            days[business_day(entry["at"])]["refunds"] += int(entry["amount_cents"])
            days[business_day(entry["at"])]["refunded_tickets"] += len(entry["chairs"])
    return days


MAX_OPERATIONS = 12
# How many days an example can span: each operation may move the clock 4 hours and 601 s.
SPAN_DAYS = 1 + (MAX_OPERATIONS * (4 * 3600 + 601)) // 86400 + 1


def daily_rows(stack, first: str, last: str) -> dict[str, dict[str, int]]:
    """The daily report's rows, each as the counts daily_recomputed() makes (EUR only)."""
    daily = stack.call("GetDailyReportFunction", identity=reporter, query={"from": first, "to": last})
    assert daily.status == 200, daily
    return {
        row["date"]: {
            "tickets": row["tickets"],
            "revenue": row["revenue"].get("EUR", 0),
            "refunds": row["refunds"].get("EUR", 0),
            "refunded_tickets": row["refunded_tickets"],
        }
        for row in daily.body["days"]
    }


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["hold", "pay", "cancel", "refund", "refund_some", "check_in", "expire"]),
        st.integers(0, 5),
        st.sets(st.sampled_from(CHAIRS), min_size=1, max_size=2),
    ),
    min_size=1,
    max_size=MAX_OPERATIONS,
)


@pytest.mark.slow
@pytest.mark.model
@settings(
    max_examples=examples("reports_model"), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_a_screenings_and_the_days_reports_equal_a_recomputation_from_the_orders(stack, aws, operations):
    """The examples share one stack (and days): the screening is each example's own, and the daily report is
    compared by what this example changed in it (after minus before), which must equal its own orders'."""
    clock.freeze()
    first_day = business_day(clock.time())
    window = (first_day, business_day(clock.time() + SPAN_DAYS * 86400))
    before = daily_rows(stack, *window)
    booking = Booking(stack, make_screening(stack, rows=2, seats=3, hours_from_now=72))
    buyers = [customer(f"r-{uuid.uuid4().hex[:6]}-{n}") for n in range(3)]
    orders: list[tuple[dict[str, str], dict[str, Any]]] = []
    tickets: list[str] = []
    for operation, pick, chairs in operations:
        mine = orders[pick % len(orders)] if orders else None
        if operation == "hold":
            who = buyers[pick % 3]
            answer = booking.hold(who, sorted(chairs))
            if answer.status == 201:
                orders.append((who, answer.body))
        elif mine is None:
            continue
        elif operation == "pay":
            answer = booking.pay(mine[0], mine[1])
            tickets += [ticket["code"] for ticket in (answer.body or {}).get("tickets") or []]
        elif operation == "cancel":
            booking.cancel(mine[0], mine[1]["order_id"])
        elif operation == "refund":
            booking.refund(staff("boxoffice"), mine[1]["order_id"])
        elif operation == "refund_some":
            booking.refund(mine[0], mine[1]["order_id"], chairs=sorted(set(mine[1]["chairs"]) & chairs) or None)
        elif operation == "check_in" and tickets:
            stack.call(
                "CheckInFunction",
                identity=door,
                path={"code": tickets[pick % len(tickets)]},
                body={"screening_id": booking.screening_id},
            )
        elif operation == "expire":
            clock.advance(601)
            booking.sweep()
        if pick % 2:
            clock.advance(4 * 3600)  # some sales on other days
    stack.events.redeliver = pick % 3 == 0  # sometimes every stream batch twice
    stack.deliver_events()
    stack.events.redeliver = False

    stored = orders_of(aws, booking.screening_id)
    expected = recomputed(stored)
    report = stack.call("GetScreeningReportFunction", identity=reporter, path={"screening_id": booking.screening_id})
    assert report.status == 200, report
    got = {name: report.body[name] for name in ("sold", "held", "refunded", "checked_in")}
    got["revenue"] = report.body["revenue"].get("EUR", 0)
    assert got == expected
    assert report.body["capacity"] == 6
    assert report.body["occupancy"] == round(expected["sold"] / 6, 4)

    days = daily_recomputed(stored)
    after = daily_rows(stack, *window)
    assert set(days) <= set(after), "the window holds every day of the example"
    for day, row in after.items():
        mine = days.get(day, {})
        change = {name: row[name] - before[day][name] for name in row}
        assert change == {name: mine.get(name, 0) for name in row}, day


def test_the_daily_report_counts_sales_refunds_and_methods_per_day_and_answers_csv(stack, aws):
    clock.freeze()
    booking = Booking(stack, make_screening(stack, hours_from_now=100))
    ann = customer("ann")
    first = booking.hold(ann, ["A-1", "A-2"]).body
    assert booking.pay(ann, first).status == 200
    day_one = business_day(clock.time())
    clock.advance(86400)
    assert booking.refund(ann, first["order_id"], chairs=["A-2"]).status == 200
    day_two = business_day(clock.time())
    stack.deliver_events()
    daily = stack.call("GetDailyReportFunction", identity=reporter, query={"from": day_one, "to": day_two})
    assert daily.status == 200, daily
    one, two = daily.body["days"]
    assert (one["date"], one["tickets"], one["orders"], one["revenue"]) == (day_one, 2, 1, {"EUR": 2000})
    # Named as the till names it: an online payment's token (one per customer with a real provider) is no method.
    assert one["by_payment_method"] == {"card_online": {"EUR": 2000}}
    assert (two["date"], two["tickets"], two["refunded_tickets"], two["refunds"]) == (day_two, 0, 1, {"EUR": 1000})
    as_csv = stack.call(
        "GetDailyReportFunction",
        identity=reporter,
        query={"from": day_one, "to": day_two},
        headers={"Accept": "text/csv"},
    )
    assert as_csv.status == 200 and as_csv.headers["Content-Type"].startswith("text/csv"), as_csv
    lines = as_csv.text.strip().splitlines()
    assert lines[0].startswith("date,tickets,orders,revenue.EUR") and len(lines) == 3, as_csv.text
    assert lines[1].startswith(f"{day_one},2,1,2000")


def test_a_movies_report_sums_its_screenings_in_the_range(stack, aws):
    clock.freeze()
    booking = Booking(stack, make_screening(stack, hours_from_now=30))
    ann = customer("ann")
    order = booking.hold(ann, ["A-1"]).body
    assert booking.pay(ann, order).status == 200
    stack.deliver_events()
    screening = stack.call(
        "GetScreeningFunction",
        identity=reporter | {"permissions": "screenings:view reports:view"},
        path={"screening_id": booking.screening_id},
    ).body
    day = screening["starts_at"][:10]
    report = stack.call(
        "GetMovieReportFunction",
        identity=reporter,
        path={"movie_id": screening["movie_id"]},
        query={"from": day, "to": day},
    )
    assert report.status == 200, report
    assert report.body["totals"]["sold"] == 1 and report.body["totals"]["revenue"] == {"EUR": 1000}
    assert [row["screening_id"] for row in report.body["screenings"]] == [booking.screening_id]
    empty = stack.call(
        "GetMovieReportFunction",
        identity=reporter,
        path={"movie_id": screening["movie_id"]},
        query={"from": "2001-01-01", "to": "2001-01-31"},
    )
    assert empty.body["screenings"] == [] and empty.body["totals"]["sold"] == 0


@pytest.mark.parametrize(
    ("function", "path", "query", "code"),
    [
        ("GetDailyReportFunction", None, {"from": "2026-02-01", "to": "2026-01-01"}, "INVALID_RANGE"),
        ("GetDailyReportFunction", None, {"from": "2020-01-01", "to": "2026-01-01"}, "INVALID_RANGE"),
        ("GetDailyReportFunction", None, {"from": "yesterday", "to": "2026-01-01"}, "VALIDATION_FAILED"),
        ("GetDailyReportFunction", None, {"to": "2026-01-01"}, "VALIDATION_FAILED"),
        ("GetMovieReportFunction", {"movie_id": "nope"}, {"from": "2026-01-01", "to": "2026-01-02"}, "NOT_FOUND"),
        ("GetScreeningReportFunction", {"screening_id": "nope"}, None, "NOT_FOUND"),
    ],
)
def test_bad_report_requests_are_clear_4xx(stack, function, path, query, code):
    answer = stack.call(function, identity=reporter, path=path, query=query)
    assert 400 <= answer.status < 500 and answer.body["code"] == code, answer


def test_reports_need_reports_view(stack):
    answer = stack.call("GetDailyReportFunction", identity=customer(), query={"from": "2026-01-01", "to": "2026-01-02"})
    assert answer.status == 403, answer


def test_report_requests_have_a_fixed_budget(stack, aws_calls):
    booking = Booking(stack, make_screening(stack))
    aws_calls.reset()
    stack.call("GetScreeningReportFunction", identity=reporter, path={"screening_id": booking.screening_id})
    assert aws_calls.of("dynamodb") == {"BatchGetItem": 1}
    aws_calls.reset()
    stack.call("GetDailyReportFunction", identity=reporter, query={"from": "2026-01-01", "to": "2026-12-31"})
    assert aws_calls.of("dynamodb") == {"BatchGetItem": 4}  # 365 days, 100 keys a request
