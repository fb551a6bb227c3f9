"""Holds per second through the real handlers vs raw boto3 against the same embedded DynamoDB server.

The server runs in its own process. In the same run:
- handler holds: PlaceOrderFunction's handler called in a process set up as
  its Lambda environment (its variables, its code and the layer on the path;
  Powertools resolver, validation, PynamoDB, one BatchGetItem + one
  TransactWriteItems), with none of the local runtime's bookkeeping;
- raw conditional writes: boto3 PutItem with attribute_not_exists;
- raw hold requests: the very requests a hold issued (captured from the
  handler, items and conditions included), replayed by boto3 for other chairs
  and users: the hold's own cost without any of our code.
Then a profile of the handler path says where its time goes.
"""

from __future__ import annotations

import cProfile
import importlib
import json
import multiprocessing
import os
import pstats
import sys
import time
from typing import Any

from botocore.client import BaseClient

from boxoffice.models.chairs import seat_key
from local.inprocess import sample_event
from local.runtime import FunctionSpec, InProcessRuntime, LambdaContext
from tools.load import EmbeddedServer, make_screening

HOLDS = 300
PROFILED = 100


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


def _categorise(profile: pstats.Stats) -> dict[str, float]:
    """Own time by where it was spent: waiting for the server, the SDK, Powertools and pydantic, ours, the rest."""
    buckets = {
        "server (waiting on the socket)": 0.0,
        "AWS SDK (botocore, PynamoDB, urllib3)": 0.0,
        "Powertools and pydantic": 0.0,
        "ours (boxoffice and the handler)": 0.0,
        "Python and the rest": 0.0,
    }
    for (filename, _, name), (_, _, own, _, _) in profile.stats.items():  # type: ignore[attr-defined]
        if "recv_into" in name or ("_socket" in filename and "recv" in name):
            bucket = "server (waiting on the socket)"
        elif any(part in filename for part in ("botocore", "pynamodb", "urllib3", "http/client")):
            bucket = "AWS SDK (botocore, PynamoDB, urllib3)"
        elif any(part in filename for part in ("aws_lambda_powertools", "pydantic")):
            bucket = "Powertools and pydantic"
        elif any(part in filename for part in ("boxoffice", "/functions/")):
            bucket = "ours (boxoffice and the handler)"
        else:
            bucket = "Python and the rest"
        buckets[bucket] += own
    total = sum(buckets.values()) or 1.0
    return {bucket: round(100 * seconds / total, 1) for bucket, seconds in buckets.items()}


def _handler_run(spec: FunctionSpec, screening_id: str, chairs: list[str]) -> dict[str, Any]:
    """In a fresh process made to look like the function's environment: hold rate, and a profile."""
    os.environ.clear()
    os.environ.update({**{key: value for key, value in _HOST.items() if key in ("PATH", "HOME")}, **spec.environment})
    for name in [name for name in sys.modules if name.partition(".")[0] == "boxoffice"]:
        del sys.modules[name]  # this process is the function's environment: nothing of the parent's layer
    sys.path[:0] = [str(spec.code_dir), *(str(layer) for layer in spec.layer_dirs)]
    module_name, _, attribute = spec.handler.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    template = sample_event(spec.logical_id)

    def hold(index: int) -> None:
        event = json.loads(json.dumps(template))
        event["body"] = json.dumps({"screening_id": screening_id, "chairs": [chairs[index]]})
        # Established customers, each at an address of their own (the limits across accounts do not bind).
        event["requestContext"]["authorizer"]["lambda"] = {
            "sub": f"tp-{index}",
            "username": f"tp{index}",
            "permissions": "orders:create",
            "created": "0",
        }
        event["requestContext"]["http"]["sourceIp"] = f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}"
        answer = handler(event, LambdaContext(spec))
        assert answer["statusCode"] == 201, answer

    for index in range(9):  # a warm environment
        hold(index)
    captured: list[tuple[str, dict]] = []
    original = BaseClient._make_api_call

    def capture(client: Any, operation: str, params: dict) -> Any:
        captured.append((operation, json.loads(json.dumps(params, default=str))))
        return original(client, operation, params)

    BaseClient._make_api_call = capture  # type: ignore[method-assign]
    hold(9)
    BaseClient._make_api_call = original  # type: ignore[method-assign]
    started = time.perf_counter()
    for index in range(10, 10 + HOLDS):
        hold(index)
    seconds = time.perf_counter() - started
    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(10 + HOLDS, 10 + HOLDS + PROFILED):
        hold(index)
    profiler.disable()
    return {
        "seconds": seconds,
        "where": _categorise(pstats.Stats(profiler)),
        "requests": captured,
        "order_id": json.dumps(captured).split('"order_id": {"S": "')[1].split('"')[0],
    }


_HOST = dict(os.environ)


def measure() -> dict[str, Any]:
    with EmbeddedServer() as server:
        stack = server.stack()
        # Enough chairs that the handler (the first ~400) and the replay (the last 300) never meet.
        screening_id = make_screening(InProcessRuntime(stack.functions), rows=20, seats=60)
        chairs = [f"{chr(65 + row)}-{seat}" for row in range(20) for seat in range(1, 61)]
        with multiprocessing.get_context("fork").Pool(1) as pool:
            handler = pool.apply(_handler_run, (stack.functions["PlaceOrderFunction"], screening_id, chairs))

        dynamodb = server.client("dynamodb")
        dynamodb.create_table(
            TableName="raw",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        started = time.perf_counter()
        for index in range(HOLDS):
            dynamodb.put_item(
                TableName="raw",
                Item={"pk": {"S": f"item-{index}"}, "n": {"N": "1"}},
                ConditionExpression="attribute_not_exists(pk)",
            )
        raw_write_seconds = time.perf_counter() - started

        started = time.perf_counter()
        for index in range(HOLDS):
            _replay(
                dynamodb,
                handler["requests"],
                {
                    handler["order_id"]: f"{index:032x}",
                    "tp-9": f"raw-{index}",
                    "tp9": f"raw{index}",
                    '"A-10"': f'"{chairs[-1 - index]}"',
                    "1A#010": seat_key(chairs[-1 - index]),
                    "#10.0.0.9": f"#10.1.{index // 256}.{index % 256}",  # the address gauge: one per buyer
                },
            )
        raw_hold_seconds = time.perf_counter() - started

    handler_rate = _rate(HOLDS, handler["seconds"])
    raw_write_rate = _rate(HOLDS, raw_write_seconds)
    raw_hold_rate = _rate(HOLDS, raw_hold_seconds)
    return {
        "holds": HOLDS,
        "handler_holds_per_second": handler_rate,
        "raw_conditional_writes_per_second": raw_write_rate,
        "raw_hold_requests_per_second": raw_hold_rate,
        "ratio_to_raw_writes": round(handler_rate / raw_write_rate, 2),
        "ratio_to_raw_hold_requests": round(handler_rate / raw_hold_rate, 2),
        "handler_hold_ms": round(1000 * handler["seconds"] / HOLDS, 2),
        "time_split_percent": handler["where"],
    }


def _replay(dynamodb: Any, requests: list[tuple[str, dict]], replacements: dict[str, str]) -> None:
    """Send a hold's captured requests again, for another order, user and chair."""
    for operation, params in requests:
        text = json.dumps(params)
        for old, new in replacements.items():
            text = text.replace(old, new)
        answer = getattr(dynamodb, _SNAKE[operation])(**json.loads(text))
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200, answer


_SNAKE = {"BatchGetItem": "batch_get_item", "TransactWriteItems": "transact_write_items"}
