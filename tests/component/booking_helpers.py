"""Shared pieces of the booking tests: a small screening, and callers who act through the functions directly."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from tests.harness import Response, StackUnderTest

CUSTOMER_PERMISSIONS = "movies:view screenings:view orders:create"
STAFF_PERMISSIONS = "screenings:view orders:create orders:manage orders:view-all members:view"
_numbers = itertools.count(1)


def customer(name: str | None = None, *, new_account: bool = False) -> dict[str, str]:
    """An authorizer context of a customer (no login needed when calling functions directly): an
    established account unless `new_account` (new accounts share a screening's chairs: test_abuse.py)."""
    number = next(_numbers)
    return {"sub": f"customer-{name or number}", "username": name or f"customer{number}",
            "permissions": CUSTOMER_PERMISSIONS, **({} if new_account else {"created": "0"})}


def staff(name: str = "boxoffice") -> dict[str, str]:
    return {"sub": f"staff-{name}", "username": name, "permissions": STAFF_PERMISSIONS}


@dataclass
class Booking:
    """Speaks to the booking functions directly, as API Gateway would after the authorizer."""

    stack: StackUnderTest
    screening_id: str

    def hold(self, who: dict[str, str], chairs: list[str], *, key: str | None = None,
             screening_id: str | None = None, **extra: Any) -> Response:
        return self.stack.call("PlaceOrderFunction", identity=who,
                               body={"screening_id": screening_id or self.screening_id, "chairs": chairs, **extra},
                               headers={"Idempotency-Key": key} if key else None)

    def cancel(self, who: dict[str, str], order_id: str) -> Response:
        return self.stack.call("CancelOrderFunction", identity=who, path={"order_id": order_id})

    def order(self, who: dict[str, str], order_id: str) -> Response:
        return self.stack.call("GetOrderFunction", identity=who, path={"order_id": order_id})

    def orders(self, who: dict[str, str], **query: str) -> Response:
        return self.stack.call("ListOrdersFunction", identity=who, query=query or None)

    def seat_map(self, who: dict[str, str] | None = None, screening_id: str | None = None, **query: str) -> Response:
        return self.stack.call("ListChairsFunction", identity=who or customer("reader"),
                               path={"screening_id": screening_id or self.screening_id}, query=query or None)

    def statuses(self) -> dict[str, str]:
        answer = self.seat_map(limit="1000")
        assert answer.status == 200, answer
        return {chair["chair_id"]: chair["status"] for chair in answer.body["items"]}

    def pay(self, who: dict[str, str], order: dict[str, Any], method: str = "tok_ok", *, key: str | None = None,
            confirmation_id: str | None = None, stack: StackUnderTest | None = None) -> Response:
        return (stack or self.stack).call(
            "PayOrderFunction", identity=who, path={"order_id": order["order_id"]},
            body={"confirmation_id": confirmation_id or order["confirmation_id"], "payment_method": method},
            headers={"Idempotency-Key": key or f"pay-{order['order_id']}-{method}"},
        )

    def refund(self, who: dict[str, str], order_id: str) -> Response:
        return self.stack.call("RefundOrderFunction", identity=who, path={"order_id": order_id})

    def sweep(self) -> dict[str, int]:
        return self.stack.invoke("SweepHoldsFunction", {"detail-type": "Scheduled Event", "source": "aws.events"})


def make_screening(stack: StackUnderTest, *, rows: int = 2, seats: int = 5, hours_from_now: float = 48,
                   price_classes: dict[str, int] | None = None, premium_row: str | None = None) -> str:
    """A screening made through the catalog functions; its id."""
    admin = {"sub": "admin-catalog", "username": "catalog", "permissions": "movies:create screenings:manage"}
    movie = stack.call("CreateMovieFunction", identity=admin, body={
        "name": "Sunrise", "genres": ["drama"], "premiered": "1927-09-23", "runtime_minutes": 94})
    assert movie.status == 201, movie
    layout = [{"label": chr(65 + index), "seats": seats} for index in range(rows)]
    if premium_row:
        for row in layout:
            if row["label"] == premium_row:
                row["price_class"] = "premium"
    hall = stack.call("CreateHallFunction", identity=admin, body={"name": "Small", "rows": layout})
    assert hall.status == 201, hall
    from tests.component.catalog_helpers import screening_body

    screening = stack.call("CreateScreeningFunction", identity=admin, body=screening_body(
        movie.body["movie_id"], hall.body["hall_id"], hours_from_now, price_cents=1000,
        price_classes=price_classes or {},
    ))
    assert screening.status == 201, screening
    return str(screening.body["screening_id"])


def ledger(aws: Any) -> list[dict[str, Any]]:
    """What the (simulated) payment provider recorded: charges and refunds."""
    from boto3.dynamodb.types import TypeDeserializer

    items = aws.dynamodb.scan(TableName=aws.tables["PaymentLedgerTable"])["Items"]
    return [{name: TypeDeserializer().deserialize(value) for name, value in item.items()} for item in items]


def charges(aws: Any) -> list[dict[str, Any]]:
    return [entry for entry in ledger(aws) if entry["kind"] == "charge" and entry["outcome"] == "succeeded"]


def refunds(aws: Any) -> list[dict[str, Any]]:
    return [entry for entry in ledger(aws) if entry["kind"] == "refund"]
