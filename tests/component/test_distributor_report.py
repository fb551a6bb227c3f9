"""The distributor's box-office return equals a recomputation from the orders, per venue, screening and in total."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from boxoffice.venues.tax import net_of
from tests.component.booking_helpers import Booking, orders_of
from tests.component.catalog_helpers import Catalog, business_day
from tests.profiles import examples
from tools.factories import STAFF_PERMISSIONS, staff_context

reporter = staff_context("rita", "reports:view")
clerk = staff_context("clerk", STAFF_PERMISSIONS)
CHAIRS = ["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"]
ORDERS = st.lists(
    st.tuples(
        st.integers(0, 2),  # which screening
        st.lists(st.sampled_from(CHAIRS), min_size=1, max_size=3, unique=True),
        st.sampled_from(["pay", "pay", "hold"]),
        st.sets(st.integers(0, 2)),  # which of its chairs to refund, if paid
    ),
    min_size=1,
    max_size=6,
)


def recomputed(aws, screening_ids):
    """Per screening, from the orders themselves: seats kept, their gross and tax, and what was refunded."""
    rows = {}
    for screening_id in screening_ids:
        figures = defaultdict(int)
        for order in orders_of(aws, screening_id):
            if order["status"] not in ("PAID", "REFUNDED"):
                continue
            refunded = set(order.get("refunded_chairs") or order["chairs"] if order["status"] == "REFUNDED" else
                           order.get("refunded_chairs") or [])  # fmt: skip
            percent = Decimal(order["tax_percent"])
            for chair in order["chairs"]:
                price = int(order["chair_prices"][chair])
                if chair in refunded:
                    figures["refunds_cents"] += price
                else:
                    figures["admissions"] += 1
                    figures["gross_cents"] += price
                    figures["tax_cents"] += price - net_of(price, percent)
        figures["net_cents"] = figures["gross_cents"] - figures["tax_cents"]
        rows[screening_id] = dict(figures)
    return rows


@pytest.mark.model
@settings(
    max_examples=examples("distributor_model"),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(percents=st.tuples(st.decimals(0, 30, places=1), st.decimals(0, 30, places=1)), orders=ORDERS)
def test_the_return_equals_a_recomputation_from_the_orders(stack, aws, accounts, percents, orders):
    manager = accounts.staff({"venues:manage", "screenings:manage", "movies:create"})
    catalog = Catalog(stack, manager.token)
    movie = catalog.movie()
    venues = []
    for index, percent in enumerate(percents):
        rate = {"code": f"r{index}", "name": "Rate", "percent": str(percent)}
        venues.append(
            stack.api.post(
                "/venues",
                {"name": f"V{index}", "timezone": ["Europe/Berlin", "America/New_York"][index], "currency": "EUR",
                 "tax_rates": [rate], "default_tax_code": f"r{index}"},
                token=manager.token,
            ).body
        )  # fmt: skip
    halls = [catalog.hall(rows=2, seats=3, venue_id=venue["venue_id"], premium_row="B") for venue in venues]
    screenings = [
        catalog.screening(movie_id=movie["movie_id"], hall_id=halls[index % 2]["hall_id"],
                          hours_from_now=30 + 4 * index, price_classes={"premium": 1500 + 7 * index})
        for index in range(3)
    ]  # fmt: skip
    taken: dict[str, set[str]] = defaultdict(set)
    for which, chairs, action, refund_picks in orders:
        screening_id = screenings[which]["screening_id"]
        chairs = [chair for chair in chairs if chair not in taken[screening_id]]
        if not chairs:
            continue
        taken[screening_id] |= set(chairs)
        # Sold at the box office: a customer's holds are limited (new accounts' share of a six-seat hall).
        booking = Booking(stack, screening_id)
        held = booking.hold(clerk, chairs)
        assert held.status == 201, held
        if action == "hold":
            continue
        assert booking.pay(clerk, held.body, "cash").status == 200
        back = sorted({chairs[pick] for pick in refund_picks if pick < len(chairs)})
        if back:
            assert booking.refund(clerk, held.body["order_id"], chairs=back).status == 200
    stack.deliver_events()

    days = sorted({business_day_of_screening(screening) for screening in screenings})
    answer = stack.call(
        "GetDistributorReportFunction",
        identity=reporter,
        query={"movie_id": movie["movie_id"], "from": days[0], "to": days[-1]},
    )
    assert answer.status == 200, answer
    report = answer.body
    expected = recomputed(aws, [screening["screening_id"] for screening in screenings])
    found = {row["screening_id"]: row for venue in report["venues"] for row in venue["screenings"]}
    assert set(found) == set(expected)
    figures = ("admissions", "gross_cents", "tax_cents", "net_cents", "refunds_cents")
    for screening_id, row in found.items():
        assert {name: row[name] for name in figures} == {name: expected[screening_id].get(name, 0) for name in figures}
    for venue in report["venues"]:
        (total,) = venue["totals"]
        for name in figures:
            assert total[name] == sum(row[name] for row in venue["screenings"])
    (overall,) = report["totals"]
    for name in figures:
        assert overall[name] == sum(expected[s].get(name, 0) for s in expected)

    as_csv = stack.call(
        "GetDistributorReportFunction",
        identity=reporter,
        query={"movie_id": movie["movie_id"], "from": days[0], "to": days[-1]},
        headers={"Accept": "text/csv"},
    )
    assert as_csv.status == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    lines = as_csv.text.strip().splitlines()
    assert lines[-1].startswith("TOTAL,ALL,") and len(lines) == 1 + len(found) + len(report["venues"]) + 1


def business_day_of_screening(screening):
    from datetime import datetime

    return business_day(datetime.fromisoformat(screening["starts_at"].replace("Z", "+00:00")).timestamp())


def test_a_screening_outside_the_range_or_of_another_movie_is_not_in_the_return(stack, accounts):
    manager = accounts.staff({"screenings:manage", "movies:create"})
    catalog = Catalog(stack, manager.token)
    movie, other = catalog.movie(), catalog.movie(name="Other")
    hall = catalog.hall()
    inside = catalog.screening(movie_id=movie["movie_id"], hall_id=hall["hall_id"], hours_from_now=30)
    catalog.screening(movie_id=movie["movie_id"], hall_id=hall["hall_id"], hours_from_now=30 + 24 * 9)
    catalog.screening(movie_id=other["movie_id"], hall_id=hall["hall_id"], hours_from_now=33)
    day = business_day_of_screening(inside)
    report = stack.call(
        "GetDistributorReportFunction", identity=reporter, query={"movie_id": movie["movie_id"], "from": day, "to": day}
    ).body
    assert [row["screening_id"] for venue in report["venues"] for row in venue["screenings"]] == [
        inside["screening_id"]
    ]
    missing = stack.call(
        "GetDistributorReportFunction", identity=reporter, query={"movie_id": "nosuch", "from": day, "to": day}
    )
    assert missing.status == 404
    backwards = stack.call(
        "GetDistributorReportFunction",
        identity=reporter,
        query={"movie_id": movie["movie_id"], "from": day, "to": "2001-01-01"},
    )
    assert backwards.status == 422 and backwards.body["code"] == "INVALID_RANGE"
