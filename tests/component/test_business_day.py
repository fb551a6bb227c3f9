"""The till and the daily report count by the venue's business day: a cinema's night belongs to the day it began."""

from __future__ import annotations

from datetime import datetime

import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer
from tests.component.catalog_helpers import Catalog
from tools.factories import STAFF_PERMISSIONS, staff_context

clerk = staff_context("clerk", STAFF_PERMISSIONS)
reporter = staff_context("rita", "reports:view")


def move_clock_to(text):
    clock.advance(datetime.fromisoformat(text).timestamp() - clock.time())


@pytest.fixture
def kino(stack, accounts):
    """A Berlin venue whose business day starts at 05:00, with a screening a week after its first sale below."""
    move_clock_to("2026-12-20T12:00:00+01:00")
    manager = accounts.staff({"venues:manage", "screenings:manage", "movies:create"})
    catalog = Catalog(stack, manager.token)
    body = {
        "name": "Kino",
        "timezone": "Europe/Berlin",
        "currency": "EUR",
        "tax_rates": [{"code": "standard", "name": "Standard", "percent": 7}],
        "default_tax_code": "standard",
    }
    venue = stack.api.post("/venues", body, token=manager.token).body
    hall = catalog.hall(rows=2, seats=10, venue_id=venue["venue_id"])
    screening = stack.api.post(
        "/screenings",
        {
            "movie_id": catalog.movie()["movie_id"],
            "hall_id": hall["hall_id"],
            "starts_at_local": "2026-12-28T20:00:00",
            "price_cents": 1000,
        },
        token=manager.token,
    ).body
    return venue, Booking(stack, screening["screening_id"])


def sell(booking, chair, method="cash"):
    order = booking.hold(clerk, [chair]).body
    answer = booking.pay(clerk, order, method)
    assert answer.status == 200, answer
    return answer.body


def till_lines(stack, venue_id, date):
    answer = stack.call("GetTillFunction", identity=clerk, query={"venue_id": venue_id, "date": date})
    assert answer.status == 200, answer
    assert (answer.body["venue_id"], answer.body["date"]) == (venue_id, date)
    return answer.body["totals"]


def daily(stack, venue_id, first, last):
    answer = stack.call(
        "GetDailyReportFunction", identity=reporter, query={"venue_id": venue_id, "from": first, "to": last}
    )
    assert answer.status == 200, answer
    return {row["date"]: row for row in answer.body["days"]}


def test_a_sale_at_00_30_and_04_59_is_the_day_before_and_at_05_00_the_day_itself(stack, kino):
    venue, booking = kino
    sales = {
        "2026-12-21T00:30:00+01:00": ("A-1", "2026-12-20"),
        "2026-12-21T04:59:00+01:00": ("A-2", "2026-12-20"),
        "2026-12-21T05:00:00+01:00": ("A-3", "2026-12-21"),
        "2026-12-21T23:30:00+01:00": ("A-4", "2026-12-21"),
    }
    for moment, (chair, _) in sales.items():
        move_clock_to(moment)
        sell(booking, chair)
    stack.deliver_events()

    expected = {"2026-12-20": 2, "2026-12-21": 2}
    for day, count in expected.items():
        (line,) = till_lines(stack, venue["venue_id"], day)
        assert line["sales_cents"] == 1000 * count, line
    assert till_lines(stack, venue["venue_id"], "2026-12-22") == []
    days = daily(stack, venue["venue_id"], "2026-12-20", "2026-12-22")
    assert {day: row["tickets"] for day, row in days.items()} == {**expected, "2026-12-22": 0}
    assert days["2026-12-20"]["revenue"] == {"EUR": 2000}
    # The default venue saw none of it.
    assert till_lines(stack, "main", "2026-12-20") == []
    assert daily(stack, "main", "2026-12-20", "2026-12-21")["2026-12-20"]["tickets"] == 0


def test_a_refund_counts_on_the_business_day_it_was_given(stack, kino):
    venue, booking = kino
    move_clock_to("2026-12-21T22:00:00+01:00")
    order = sell(booking, "B-1")
    move_clock_to("2026-12-22T02:00:00+01:00")  # the same night: still the 21st's business
    assert booking.refund(clerk, order["order_id"]).status == 200
    stack.deliver_events()
    (line,) = till_lines(stack, venue["venue_id"], "2026-12-21")
    assert (line["sales_cents"], line["refunds_cents"], line["net_cents"]) == (1000, 1000, 0)
    row = daily(stack, venue["venue_id"], "2026-12-21", "2026-12-21")["2026-12-21"]
    assert (row["tickets"], row["refunded_tickets"], row["refunds"]) == (1, 1, {"EUR": 1000})


def test_a_changed_business_day_applies_within_a_minute(stack, accounts, kino):
    venue, booking = kino
    manager = accounts.staff({"venues:manage"})
    changed = stack.api.put(f"/venues/{venue['venue_id']}", {"business_day_starts": "03:00"}, token=manager.token)
    assert changed.status == 200, changed
    clock.advance(61)  # every environment's copy of the venue is older than a minute now
    move_clock_to("2026-12-21T04:00:00+01:00")
    sell(booking, "B-2")
    assert [line["sales_cents"] for line in till_lines(stack, venue["venue_id"], "2026-12-21")] == [1000]


def test_an_online_sale_counts_in_the_daily_report_by_the_business_day_but_not_on_a_till(stack, kino):
    venue, booking = kino
    move_clock_to("2026-12-21T01:00:00+01:00")
    buyer = customer("night-owl")
    order = booking.hold(buyer, ["B-3"]).body
    assert booking.pay(buyer, order).status == 200
    stack.deliver_events()
    assert till_lines(stack, venue["venue_id"], "2026-12-20") == []
    assert daily(stack, venue["venue_id"], "2026-12-20", "2026-12-20")["2026-12-20"]["by_payment_method"] == {
        "card_online": {"EUR": 1000}
    }
