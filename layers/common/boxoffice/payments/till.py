"""The box office: sales paid at the counter (cash, card present) and the day's till per staff member."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pynamodb.expressions.operand import Path

from boxoffice import aws
from boxoffice.models.base import Transaction
from boxoffice.models.till import TillLine, line_key, method_label, till_day
from boxoffice.models.venues import DEFAULT_VENUE_ID
from boxoffice.payments.schemas import TillOut, TillRateOut, TillTotal
from boxoffice.venues import store as venues
from boxoffice.venues.local_time import business_day
from boxoffice.venues.tax import Line, by_rate, percent_text


def count(
    transaction: Transaction,
    *,
    at: int,
    venue_id: str | None,
    staff_id: str,
    username: str,
    method: str,
    currency: str,
    sold: Sequence[Line] = (),
    refunded: Sequence[Line] = (),
) -> None:
    """Add a sale or a refund to its till line, in the transaction that makes the sale or the refund: the line of
    the venue's business day it happens in (a sale at 01:30 belongs to the day before when the day starts at 05:00),
    with its net and tax per rate (`sales_net|<code>|<percent>`, ... : added whether they exist yet or not)."""
    method = method_label(method)
    venue = venues.facts_of(venue_id)
    day = business_day(at, venue.timezone, venue.business_day_starts)
    line = TillLine(till_day(venue.venue_id, day), line_key(staff_id, method, currency))
    transaction.update(
        "till",
        line,
        [
            TillLine.staff_id.set(staff_id),
            TillLine.username.set(username),
            TillLine.method.set(method),
            TillLine.currency.set(currency),
            TillLine.sales_cents.set((TillLine.sales_cents | 0) + sum(line.gross_cents for line in sold)),
            TillLine.refunds_cents.set((TillLine.refunds_cents | 0) + sum(line.gross_cents for line in refunded)),
            *(
                # One attribute, not a path: the name holds the percent's dot ("7.7").
                Path([f"{kind}_{part}|{total.code}|{percent_text(total.percent)}"]).add(getattr(total, f"{part}_cents"))
                for kind, lines in (("sales", sold), ("refunds", refunded))
                for total in by_rate(lines)
                for part in ("net", "tax")
            ),
        ],
    )


def till(day: date, staff_id: str | None, venue_id: str | None = None) -> TillOut:
    """One Query: the venue's business day's lines (one staff member's, if asked), each with its net and its money
    per tax rate (read whole: the rates are attributes of their own)."""
    venue_id = venue_id or DEFAULT_VENUE_ID
    condition = "#day = :day" + (" AND begins_with(#line, :staff)" if staff_id else "")
    found = aws.client("dynamodb").query(
        TableName=TillLine.Meta.table_name,
        KeyConditionExpression=condition,
        ExpressionAttributeNames={"#day": "day", **({"#line": "line"} if staff_id else {})},
        ExpressionAttributeValues={
            ":day": {"S": till_day(venue_id, day)},
            **({":staff": {"S": f"{staff_id}#"}} if staff_id else {}),
        },
        ConsistentRead=True,
    )
    totals = [_total(item) for item in found.get("Items", [])]
    return TillOut(venue_id=venue_id, date=day.isoformat(), totals=totals)


def _total(item: dict[str, Any]) -> TillTotal:
    numbers = {name: int(value["N"]) for name, value in item.items() if "N" in value}
    sales, refunds = numbers.get("sales_cents", 0), numbers.get("refunds_cents", 0)
    rates = sorted({name.partition("|")[2] for name in numbers if "|" in name})
    return TillTotal(
        staff_id=item["staff_id"]["S"],
        username=item["username"]["S"],
        method=item["method"]["S"],
        currency=item["currency"]["S"],
        sales_cents=sales,
        refunds_cents=refunds,
        net_cents=sales - refunds,
        tax=[_rate_total(rate, numbers) for rate in rates],
    )


def _rate_total(rate: str, numbers: dict[str, int]) -> TillRateOut:
    """What the line took at one rate, sales less refunds: net + tax = gross."""
    code, _, percent = rate.partition("|")
    net = numbers.get(f"sales_net|{rate}", 0) - numbers.get(f"refunds_net|{rate}", 0)
    tax = numbers.get(f"sales_tax|{rate}", 0) - numbers.get(f"refunds_tax|{rate}", 0)
    return TillRateOut(code=code, percent=float(percent), net_cents=net, tax_cents=tax, gross_cents=net + tax)
