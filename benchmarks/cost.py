"""What a million bookings cost (a booking = list the chairs, hold, pay), from counted requests.

Prices: AWS's published on-demand prices for us-east-1, as of 2026-11 (the
DynamoDB on-demand prices are those after the November 2024 reduction).
Durations are warm durations measured here, on an x86 machine with the
function in process; a 512 MB arm64 Lambda is slower, so the Lambda line is a
floor, and it is small either way.
"""

from __future__ import annotations

import math
from typing import Any

PRICES = {
    "region": "us-east-1",
    "as_of": "2026-11",
    "api_gateway_http_per_million_requests": 1.00,
    "lambda_arm64_per_gb_second": 0.0000133334,
    "lambda_per_million_requests": 0.20,
    "dynamodb_per_million_write_units": 0.625,
    "dynamodb_per_million_read_units": 0.125,
}
MEMORY_GB = 0.5  # every function runs with 512 MB (template Globals)


def _wru(size: int, transactional: bool = False) -> int:
    return math.ceil(size / 1024) * (2 if transactional else 1)


def _rru(size: int, transactional: bool = False) -> int:
    return math.ceil(size / 4096) * (2 if transactional else 1)


def measure(item_sizes: dict[str, int], warm_ms: dict[str, float]) -> dict[str, Any]:
    order, chair = item_sizes.get("OrdersTable", 900), item_sizes.get("ChairsTable", 200)
    quota, screening = item_sizes.get("HoldQuotasTable", 200), item_sizes.get("ScreeningsTable", 700)
    record = item_sizes.get("IdempotencyTable", 1500)
    order_indexes = 4  # every order write is copied to its GSIs (all projections are ALL)
    # list chairs: one strongly consistent Query over 300 chairs
    list_rru = _rru(300 * chair)
    # hold 2 chairs: BatchGetItem (screening, quota) + a transaction (order, 2 chairs, quota) + the order's indexes
    hold_rru = _rru(screening) + _rru(quota)
    hold_wru = _wru(order, True) + 2 * _wru(chair, True) + _wru(quota, True) + order_indexes * _wru(order)
    # pay: idempotency put + update, the claim (an update of the order and its indexes), the sale's transaction
    pay_wru = (
        _wru(record) * 2
        + _wru(order) * (1 + order_indexes)
        + _wru(order, True)
        + 2 * _wru(chair, True)
        + _wru(quota, True)
        + order_indexes * _wru(order)
    )
    read_units, write_units = list_rru + hold_rru, hold_wru + pay_wru
    api_requests = 3
    lambda_invocations = 6  # three functions, and the authorizer in front of each (a new route each time)
    gb_seconds = MEMORY_GB * sum(warm_ms.values()) / 1000
    per_million = {
        "api_gateway": round(api_requests * PRICES["api_gateway_http_per_million_requests"], 2),
        "lambda_requests": round(lambda_invocations * PRICES["lambda_per_million_requests"], 2),
        "lambda_compute": round(gb_seconds * PRICES["lambda_arm64_per_gb_second"] * 1_000_000, 2),
        "dynamodb_writes": round(write_units * PRICES["dynamodb_per_million_write_units"], 2),
        "dynamodb_reads": round(read_units * PRICES["dynamodb_per_million_read_units"], 2),
    }
    return {
        "prices": PRICES,
        "per_booking": {
            "api_requests": api_requests,
            "lambda_invocations": lambda_invocations,
            "gb_seconds": round(gb_seconds, 4),
            "write_units": write_units,
            "read_units": read_units,
            "warm_ms": warm_ms,
        },
        "per_million_bookings_usd": per_million,
        "total_per_million_bookings_usd": round(sum(per_million.values()), 2),
    }
