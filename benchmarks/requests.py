"""DynamoDB requests per operation, counted exactly (moto in process), beside budgets and the seed design."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from local.inprocess import AwsCallCounter, InProcessStack, mocked_aws
from tools import factories
from tools.factories import customer_context


def customer() -> dict[str, str]:
    return customer_context()  # established, so the limits across accounts do not bind


def make_screening(stack: InProcessStack, rows: int = 15, seats: int = 20) -> str:
    def create(function: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = stack.call(function, body=body)
        assert answer.status == 201, answer
        return dict(answer.body)

    return factories.make_screening(create, starts_at="2099-06-01T20:00:00Z", rows=rows, seats=seats, price_cents=1000)


class Measured:
    """Runs an operation and records the DynamoDB requests it made, by table and operation."""

    def __init__(self, counter: AwsCallCounter) -> None:
        self.counter = counter
        self.rows: list[dict[str, Any]] = []
        self.warm_ms: dict[str, float] = {}

    def time(self, name: str, operation: Any) -> Any:
        started = time.perf_counter()
        answer = operation()
        self.warm_ms[name] = round((time.perf_counter() - started) * 1000, 2)
        return answer

    def __call__(self, name: str, operation: Any, budget: str, seed_design: str) -> Any:
        self.counter.reset()
        answer = self.time(name, operation)
        calls = [
            (operation_name, params) for service, operation_name, params in self.counter.log if service == "dynamodb"
        ]
        ours = [(op, params) for op, params in calls if params.get("TableName") != "PaymentLedgerTable"]
        by_operation = Counter(op for op, _ in ours)
        self.rows.append(
            {
                "operation": name,
                "requests": sum(by_operation.values()),
                "by_operation": dict(sorted(by_operation.items())),
                "provider_ledger_requests": len(calls) - len(ours),
                "budget": budget,
                "seed_design": seed_design,
                "scan": by_operation.get("Scan", 0),
            }
        )
        return answer


def measure() -> dict[str, Any]:
    with mocked_aws() as aws, AwsCallCounter() as counter:
        from boxoffice.clock import clock

        stack = InProcessStack(aws, {"HoldSeconds": "60", "MaxHeldChairsPerAddress": "100000"})
        screening_id = make_screening(stack)
        measured = Measured(counter)

        def hold(chairs: list[str], who: dict[str, str] | None = None) -> Any:
            answer = stack.call(
                "PlaceOrderFunction", identity=who or customer(), body={"screening_id": screening_id, "chairs": chairs}
            )
            assert answer.status == 201, answer
            return answer

        def list_chairs() -> Any:
            return stack.call("ListChairsFunction", path={"screening_id": screening_id}, query={"limit": "500"})

        list_chairs()  # warm: the timings below are of warm functions (counts are the same either way)
        measured(
            "list chairs (300-chair screening, one page)",
            list_chairs,
            "1 Query per page",
            "1 SQL query + 300 cache lookups = 301",
        )
        for size, first in ((1, 0), (4, 1), (10, 5)):
            chairs = [f"A-{n}" for n in range(first + 1, first + size + 1)]
            measured(
                f"hold {size} chair{'s' if size > 1 else ''}",
                lambda chairs=chairs: hold(chairs),
                "1 TransactWriteItems + at most 1 read = 2",
                f"{3 * size} (cache read, SQL read, cache write per chair; not atomic)",
            )
        alice = customer()
        order = hold(["B-1", "B-2"], alice).body
        measured(
            "get order",
            lambda: stack.call("GetOrderFunction", identity=alice, path={"order_id": order["order_id"]}),
            "1 GetItem",
            "-",
        )
        doomed = hold(["B-3"], alice).body
        measured(
            "cancel",
            lambda: stack.call("CancelOrderFunction", identity=alice, path={"order_id": doomed["order_id"]}),
            "at most 2",
            "-",
        )
        measured(
            "pay (2 chairs)",
            lambda: stack.call(
                "PayOrderFunction",
                identity=alice,
                path={"order_id": order["order_id"]},
                body={"confirmation_id": order["confirmation_id"], "payment_method": "tok_ok"},
                headers={"Idempotency-Key": "bench-payment-0001"},
            ),
            "the claim (1 UpdateItem, also the only read) + 1 TransactWriteItems + the quota entry (1) = 3",
            "2 per chair (cache check, SQL update; not atomic) = 4",
        )
        warm_order = hold(["B-4"], alice).body
        measured.time(
            "pay (2 chairs)",
            lambda: stack.call(
                "PayOrderFunction",
                identity=alice,
                path={"order_id": warm_order["order_id"]},
                body={"confirmation_id": warm_order["confirmation_id"], "payment_method": "tok_ok"},
                headers={"Idempotency-Key": "bench-payment-0002"},
            ),
        )
        measured(
            "refund",
            lambda: stack.call("RefundOrderFunction", identity=alice, path={"order_id": order["order_id"]}),
            "1 read + 1 TransactWriteItems + 1 write (the refund id) = 3",
            "-",
        )
        for number in range(100):
            hold([f"{chr(67 + number // 20)}-{number % 20 + 1}"])
        clock.advance(61)
        measured(
            "sweep of 100 expired holds",
            lambda: stack.invoke("SweepHoldsFunction", {"id": "bench-sweep"}),
            "4 index queries (one per shard) + 1 BatchGetItem of the orders + 1 TransactWriteItems per hold = 105",
            "- (Redis TTL)",
        )
        registered = stack.api.post(
            "/auth/register",
            {
                "username": "benchuser",
                "password": "a long password!",
                "first_name": "B",
                "last_name": "U",
                "email": "b@example.com",
            },
        )
        assert registered.status == 201, registered
        token = stack.api.post("/auth/login", {"username": "benchuser", "password": "a long password!"}).body[
            "access_token"
        ]
        event = authorizer_event(token)
        stack.invoke("AuthorizerFunction", event)  # cold: fetches the public keys from KMS once
        measured(
            "authorizer (warm)",
            lambda: stack.invoke("AuthorizerFunction", event),
            "at most 1 (none for the JWKS after a cold start)",
            "- (permissions checked in the browser)",
        )
        clock.reset()
        return {"rows": measured.rows, "warm_ms": measured.warm_ms}


def authorizer_event(token: str) -> dict[str, Any]:
    from local.inprocess import sample_event

    event = sample_event("AuthorizerFunction")
    event["headers"] = {"authorization": f"Bearer {token}"}
    event["requestContext"]["domainName"] = "boxoffice.test"
    event["routeKey"] = event["requestContext"]["routeKey"] = "POST /orders"
    return event
