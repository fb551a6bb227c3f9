"""Holds per second through the real handlers vs raw boto3 against the same embedded DynamoDB server.

The server runs in its own process. In the same run:
- handler holds: PlaceOrderFunction invoked in process (Powertools resolver,
  validation, PynamoDB, one BatchGetItem + one TransactWriteItems);
- raw conditional writes: boto3 PutItem with attribute_not_exists;
- raw hold requests: boto3 issuing the very requests a hold issues, without
  any of our code, to separate our overhead from the hold's own design.
Then a profile of the handler path says where its time goes.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from typing import Any

from local.runtime import InProcessRuntime
from tools.load import EmbeddedServer, call, make_screening

HOLDS = 300
PROFILED = 100


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


def _categorise(profile: pstats.Stats) -> dict[str, float]:
    """Own time by where it was spent: waiting for the server, the SDK, Powertools and pydantic, ours, the rest."""
    buckets = {"server (waiting on the socket)": 0.0, "AWS SDK (botocore, PynamoDB, urllib3)": 0.0,
               "Powertools and pydantic": 0.0, "ours (boxoffice, the handler, the local runtime)": 0.0,
               "Python and the rest": 0.0}
    for (filename, _, name), (_, _, own, _, _) in profile.stats.items():  # type: ignore[attr-defined]
        if "recv_into" in name or ("_socket" in filename and "recv" in name):
            bucket = "server (waiting on the socket)"
        elif any(part in filename for part in ("botocore", "pynamodb", "urllib3", "http/client")):
            bucket = "AWS SDK (botocore, PynamoDB, urllib3)"
        elif any(part in filename for part in ("aws_lambda_powertools", "pydantic")):
            bucket = "Powertools and pydantic"
        elif any(part in filename for part in ("boxoffice", "/functions/", "/local/")):
            bucket = "ours (boxoffice, the handler, the local runtime)"
        else:
            bucket = "Python and the rest"
        buckets[bucket] += own
    total = sum(buckets.values()) or 1.0
    return {bucket: round(100 * seconds / total, 1) for bucket, seconds in buckets.items()}


def measure() -> dict[str, Any]:
    with EmbeddedServer() as server:
        stack = server.stack()
        runtime = InProcessRuntime(stack.functions)
        screening_id = make_screening(runtime, rows=10, seats=60)
        chairs = [f"{chr(65 + row)}-{seat}" for row in range(10) for seat in range(1, 61)]

        def hold(index: int) -> None:
            who = {"sub": f"tp-{index}", "username": f"tp{index}", "permissions": "orders:create"}
            status, body = call(runtime, "PlaceOrderFunction", {"screening_id": screening_id,
                                                                "chairs": [chairs[index]]}, who)
            assert status == 201, body

        for index in range(10):  # warm the function up: the rates are of a warm environment
            hold(index)
        started = time.perf_counter()
        for index in range(10, 10 + HOLDS):
            hold(index)
        handler_seconds = time.perf_counter() - started

        dynamodb = server.client("dynamodb")
        dynamodb.create_table(TableName="raw", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              BillingMode="PAY_PER_REQUEST")
        started = time.perf_counter()
        for index in range(HOLDS):
            dynamodb.put_item(TableName="raw", Item={"pk": {"S": f"item-{index}"}, "n": {"N": "1"}},
                              ConditionExpression="attribute_not_exists(pk)")
        raw_write_seconds = time.perf_counter() - started

        tables = {name: stack.functions["PlaceOrderFunction"].environment[variable] for name, variable in
                  (("screenings", "SCREENINGS_TABLE"), ("quotas", "HOLD_QUOTAS_TABLE"),
                   ("orders", "ORDERS_TABLE"), ("chairs", "CHAIRS_TABLE"))}
        started = time.perf_counter()
        for index in range(HOLDS):
            _raw_hold(dynamodb, tables, screening_id, f"raw-{index}")
        raw_hold_seconds = time.perf_counter() - started

        profiler = cProfile.Profile()
        profiler.enable()
        for index in range(10 + HOLDS, 10 + HOLDS + PROFILED):
            hold(index)
        profiler.disable()
        where = _categorise(pstats.Stats(profiler))

    handler_rate = _rate(HOLDS, handler_seconds)
    raw_write_rate = _rate(HOLDS, raw_write_seconds)
    raw_hold_rate = _rate(HOLDS, raw_hold_seconds)
    return {
        "holds": HOLDS,
        "handler_holds_per_second": handler_rate,
        "raw_conditional_writes_per_second": raw_write_rate,
        "raw_hold_requests_per_second": raw_hold_rate,
        "ratio_to_raw_writes": round(handler_rate / raw_write_rate, 2),
        "ratio_to_raw_hold_requests": round(handler_rate / raw_hold_rate, 2),
        "handler_hold_ms": round(1000 * handler_seconds / HOLDS, 2),
        "time_split_percent": where,
    }


def _raw_hold(dynamodb: Any, tables: dict[str, str], screening_id: str, order_id: str) -> None:
    """The two requests of a hold (a BatchGetItem and a three-item TransactWriteItems), by hand."""
    dynamodb.batch_get_item(RequestItems={
        tables["screenings"]: {"Keys": [{"screening_id": {"S": screening_id}}], "ConsistentRead": True},
        tables["quotas"]: {"Keys": [{"user_id": {"S": order_id}}], "ConsistentRead": True},
    })
    dynamodb.transact_write_items(TransactItems=[
        {"Put": {"TableName": tables["orders"], "Item": {"order_id": {"S": order_id}, "status": {"S": "HELD"}},
                 "ConditionExpression": "attribute_not_exists(order_id)"}},
        {"Update": {"TableName": tables["quotas"], "Key": {"user_id": {"S": order_id}},
                    "UpdateExpression": "SET version = :one", "ConditionExpression": "attribute_not_exists(user_id)",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"Put": {"TableName": tables["chairs"], "Item": {"screening_id": {"S": "raw"}, "seat": {"S": order_id}},
                 "ConditionExpression": "attribute_not_exists(seat)"}},
    ])
