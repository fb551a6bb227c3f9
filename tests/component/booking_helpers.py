"""Shared pieces of the booking tests: a small screening, and callers who act through the functions directly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from tests.component.catalog_helpers import at
from tests.harness import Response, StackUnderTest
from tools import factories
from tools.factories import customer_context, staff_context

# Authorizer contexts (no login needed when calling functions directly): tools.factories.
customer, staff = customer_context, staff_context


def orders_of(aws: Any, screening_id: str) -> list[dict[str, Any]]:
    """Every order of a screening as the table holds it. The by_screening index holds only the orders' keys
    (KEYS_ONLY), so the orders are read from the table itself, consistently."""
    table, keys, start = aws.tables["OrdersTable"], [], None
    while True:
        page = aws.dynamodb.query(
            TableName=table,
            IndexName="by_screening",
            KeyConditionExpression="screening_id = :s",
            ExpressionAttributeValues={":s": {"S": screening_id}},
            **({"ExclusiveStartKey": start} if start else {}),
        )
        keys += [{"order_id": item["order_id"]} for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    whole = []
    for first in range(0, len(keys), 100):
        answer = aws.dynamodb.batch_get_item(
            RequestItems={table: {"Keys": keys[first : first + 100], "ConsistentRead": True}}
        )
        assert not answer.get("UnprocessedKeys"), answer["UnprocessedKeys"]
        whole += answer["Responses"][table]
    deserializer = TypeDeserializer()
    return [{name: deserializer.deserialize(value) for name, value in item.items()} for item in whole]


@dataclass
class Booking:
    """Speaks to the booking functions directly, as API Gateway would after the authorizer."""

    stack: StackUnderTest
    screening_id: str

    def hold(
        self,
        who: dict[str, str],
        chairs: list[str],
        *,
        key: str | None = None,
        screening_id: str | None = None,
        **extra: Any,
    ) -> Response:
        return self.stack.call(
            "PlaceOrderFunction",
            identity=who,
            body={"screening_id": screening_id or self.screening_id, "chairs": chairs, **extra},
            headers={"Idempotency-Key": key} if key else None,
        )

    def cancel(self, who: dict[str, str], order_id: str) -> Response:
        return self.stack.call("CancelOrderFunction", identity=who, path={"order_id": order_id})

    def order(self, who: dict[str, str], order_id: str) -> Response:
        return self.stack.call("GetOrderFunction", identity=who, path={"order_id": order_id})

    def orders(self, who: dict[str, str], **query: str) -> Response:
        return self.stack.call("ListOrdersFunction", identity=who, query=query or None)

    def seat_map(self, who: dict[str, str] | None = None, screening_id: str | None = None, **query: str) -> Response:
        return self.stack.call(
            "ListChairsFunction",
            identity=who or customer("reader"),
            path={"screening_id": screening_id or self.screening_id},
            query=query or None,
        )

    def statuses(self) -> dict[str, str]:
        answer = self.seat_map(limit="1000")
        assert answer.status == 200, answer
        return {chair["chair_id"]: chair["status"] for chair in answer.body["items"]}

    def pay(
        self,
        who: dict[str, str],
        order: dict[str, Any],
        method: str = "tok_ok",
        *,
        key: str | None = None,
        confirmation_id: str | None = None,
        stack: StackUnderTest | None = None,
    ) -> Response:
        return (stack or self.stack).call(
            "PayOrderFunction",
            identity=who,
            path={"order_id": order["order_id"]},
            body={"confirmation_id": confirmation_id or order["confirmation_id"], "payment_method": method},
            headers={"Idempotency-Key": key or f"pay-{order['order_id']}-{method}"},
        )

    def refund(self, who: dict[str, str], order_id: str, chairs: list[str] | None = None) -> Response:
        body = {"chairs": chairs} if chairs is not None else None
        return self.stack.call("RefundOrderFunction", identity=who, path={"order_id": order_id}, body=body)

    def sweep(self) -> dict[str, int]:
        return self.stack.invoke("SweepHoldsFunction", {"detail-type": "Scheduled Event", "source": "aws.events"})


def make_screening(
    stack: StackUnderTest,
    *,
    rows: int = 2,
    seats: int = 5,
    hours_from_now: float = 48,
    price_classes: dict[str, int] | None = None,
    premium_row: str | None = None,
) -> str:
    """A screening made through the catalog functions; its id."""
    manager = staff_context("catalog", factories.MANAGER_PERMISSIONS)

    def create(function: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = stack.call(function, identity=manager, body=body)
        assert answer.status == 201, answer
        return dict(answer.body)

    return factories.make_screening(
        create,
        starts_at=at(hours_from_now),
        rows=rows,
        seats=seats,
        premium_row=premium_row,
        price_cents=1000,
        price_classes=price_classes or {},
    )


def ledger(aws: Any) -> list[dict[str, Any]]:
    """What the (simulated) payment provider recorded: charges and refunds."""
    from boto3.dynamodb.types import TypeDeserializer

    items = aws.dynamodb.scan(TableName=aws.tables["PaymentLedgerTable"])["Items"]
    return [{name: TypeDeserializer().deserialize(value) for name, value in item.items()} for item in items]


def charges(aws: Any) -> list[dict[str, Any]]:
    return [entry for entry in ledger(aws) if entry["kind"] == "charge" and entry["outcome"] == "succeeded"]


def refunds(aws: Any) -> list[dict[str, Any]]:
    return [entry for entry in ledger(aws) if entry["kind"] == "refund"]
