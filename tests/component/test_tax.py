"""Tax: prices are gross; every line, order, refund, till and daily report splits them so that net + tax = gross
exactly, and every figure is a sum of lines a test recomputes (design.md rule 12)."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from boxoffice.venues.tax import net_of
from tests.component.booking_helpers import Booking
from tests.component.catalog_helpers import Catalog, business_day
from tests.profiles import examples
from tools.factories import STAFF_PERMISSIONS, staff_context

PERCENTS = st.decimals(min_value=0, max_value=100, places=2)
clerk = staff_context("clerk", STAFF_PERMISSIONS)
reporter = staff_context("rita", "reports:view")


@pytest.mark.model
@given(gross=st.integers(-1_000_000, 1_000_000), percent=PERCENTS)
def test_a_line_splits_into_the_nearest_net_and_the_rest_as_tax(gross, percent):
    net = net_of(gross, percent)
    exact = Decimal(gross) * 100 / (100 + percent)
    assert abs(Decimal(net) - exact) <= Decimal("0.5")
    assert net == int(exact.copy_abs().quantize(Decimal(1), rounding=ROUND_HALF_UP)) * (1 if gross >= 0 else -1)
    assert 0 <= abs(gross - net) <= abs(gross)  # the tax is never more than the price, nor of another sign


def test_the_examples_of_the_rule_in_operations_md():
    assert net_of(1000, Decimal(7)) == 935  # 934.579... -> 935, tax 65
    assert net_of(1000, Decimal(19)) == 840  # 840.336... -> 840, tax 160
    assert net_of(107, Decimal(7)) == 100  # exactly 100, tax 7
    assert net_of(1, Decimal(19)) == 1  # 0.840... -> 1, tax 0
    assert net_of(1000, Decimal("7.7")) == 929  # 928.505... -> 929, tax 71


def rates_of(lines):
    """Lines ({price_cents, tax_code, tax_percent, net_cents, tax_cents}) summed per rate, as recomputed here."""
    sums = defaultdict(lambda: [0, 0, 0])
    for line in lines:
        total = sums[(line["tax_code"], line["tax_percent"])]
        total[0] += line["net_cents"]
        total[1] += line["tax_cents"]
        total[2] += line["price_cents"]
    return {key: tuple(value) for key, value in sums.items()}


def as_rates(rows):
    return {(row["code"], row["percent"]): (row["net_cents"], row["tax_cents"], row["gross_cents"]) for row in rows}


CHAIRS = st.lists(st.sampled_from(["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"]), min_size=1, max_size=3, unique=True)
SALES = st.lists(st.tuples(CHAIRS, st.sets(st.integers(0, 2))), min_size=1, max_size=3)  # chairs, which to refund


@pytest.mark.model
@settings(
    max_examples=examples("tax_model"), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    percent=PERCENTS,
    prices=st.tuples(st.integers(1, 100_000), st.integers(0, 100_000)),
    sales=SALES,
)
def test_net_plus_tax_is_gross_on_every_line_order_refund_till_and_day(stack, accounts, percent, prices, sales):
    """A venue of its own (its own till and days) at a random rate; random prices (a premium row), box office
    sales and partial refunds; every figure equals the sum of the lines it is made of."""
    manager = accounts.staff({"venues:manage", "screenings:manage", "movies:create"})
    catalog = Catalog(stack, manager.token)
    rate = {"code": "vat", "name": "VAT", "percent": str(percent)}
    venue = stack.api.post(
        "/venues",
        {
            "name": "Taxed",
            "timezone": "Europe/Berlin",
            "currency": "EUR",
            "tax_rates": [rate],
            "default_tax_code": "vat",
        },
        token=manager.token,
    ).body
    hall = catalog.hall(rows=2, seats=3, venue_id=venue["venue_id"], premium_row="B")
    screening = catalog.screening(
        hall_id=hall["hall_id"], price_cents=prices[0], price_classes={"premium": prices[1]}, currency="EUR"
    )
    booking = Booking(stack, screening["screening_id"])

    sold, refunded = [], []
    taken: set[str] = set()
    for chairs, refund_picks in sales:
        chairs = [chair for chair in chairs if chair not in taken]
        if not chairs:
            continue
        taken |= set(chairs)
        order = booking.hold(clerk, chairs).body
        paid = booking.pay(clerk, order, "cash")
        assert paid.status == 200, paid
        answer = paid.body
        for line in answer["lines"]:
            assert line["net_cents"] + line["tax_cents"] == line["price_cents"]
            assert line["net_cents"] == net_of(line["price_cents"], percent)
            assert (line["tax_code"], line["tax_percent"]) == ("vat", float(percent))
        assert sum(line["price_cents"] for line in answer["lines"]) == answer["amount_cents"]
        assert as_rates(answer["tax"]) == rates_of(answer["lines"])
        sold += answer["lines"]
        back = sorted({chairs[pick] for pick in refund_picks if pick < len(chairs)})
        if back:
            after = booking.refund(clerk, answer["order_id"], chairs=back)
            assert after.status == 200, after
            gone = [line for line in answer["lines"] if line["chair"] in back]
            assert as_rates(after.body["refunded_tax"]) == rates_of(gone)
            assert sum(row["gross_cents"] for row in after.body["refunded_tax"]) == after.body["refunded_cents"]
            refunded += gone
    stack.deliver_events()

    day = business_day()
    till = stack.call("GetTillFunction", identity=clerk, query={"venue_id": venue["venue_id"], "date": day}).body
    (line,) = till["totals"]
    assert line["sales_cents"] == sum(item["price_cents"] for item in sold)
    assert line["refunds_cents"] == sum(item["price_cents"] for item in refunded)
    kept = {key: tuple(a - b for a, b in zip(value, rates_of(refunded).get(key, (0, 0, 0)), strict=True))
            for key, value in rates_of(sold).items()}  # fmt: skip
    assert as_rates(line["tax"]) == kept
    assert sum(row["gross_cents"] for row in line["tax"]) == line["net_cents"]

    report = stack.call(
        "GetDailyReportFunction", identity=reporter, query={"venue_id": venue["venue_id"], "from": day, "to": day}
    ).body["days"][0]
    assert as_rates(report["tax"]) == rates_of(sold)
    assert as_rates(report["refunded_tax"]) == (rates_of(refunded) if refunded else {})
    assert sum(row["gross_cents"] for row in report["tax"]) == report["revenue"]["EUR"]
