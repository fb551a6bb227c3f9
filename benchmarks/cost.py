"""What a million bookings cost (a booking = list the chairs of a 300-chair screening, hold two, pay), line by line.

The units are not estimated: a real booking runs in process under moto, and
local.capacity meters every DynamoDB request from the items it actually
touched (their sizes, each index's projection, whether an index key changed,
transactions counted twice). The same booking is run on an older commit too
(`git worktree`, with this commit's meter), so the figures before and after
come from one run of one model.

Prices: AWS's published on-demand prices for us-east-1, as of 2026-11
(DynamoDB's after the November 2024 reduction). Lambda durations are the warm
durations measured here, on an x86 machine in process; a 512 MB arm64 Lambda
is slower, so the compute line is a floor, and it is small either way.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.before import BEFORE_COMMIT, checkout
from local.runtime import PROJECT_ROOT

PRICES = {
    "region": "us-east-1",
    "as_of": "2026-11",
    "api_gateway_http_per_million_requests": 1.00,
    "lambda_per_million_requests": 0.20,
    "lambda_arm64_per_gb_second": 0.0000133334,
    "dynamodb_per_million_write_units": 0.625,
    "dynamodb_per_million_read_units": 0.125,
    "kms_per_10k_requests": 0.03,  # RSA_2048 Sign and GetPublicKey, as symmetric requests
}
FUNCTION_MEMORY_GB = 0.5  # Globals: MemorySize 512
AUTHORIZER_MEMORY_GB = 0.125  # the authorizer's own MemorySize (128) since issue 13

# Run inside a checkout (cwd), this commit's local/capacity.py beside its own local/ package.
_SCRIPT = r"""
import json, sys, time
from local.capacity import CapacityMeter
from local.inprocess import AwsCallCounter, InProcessStack, mocked_aws
from tools import factories
from tools.factories import customer_context

def run():
    with mocked_aws() as aws:
        stack = InProcessStack(aws, {"HoldSeconds": "600"})
        def create(function, body):
            answer = stack.call(function, body=body)
            assert answer.status == 201, answer
            return dict(answer.body)
        screening = factories.make_screening(create, starts_at="2099-06-01T20:00:00Z", rows=15, seats=20,
                                             price_cents=1000)
        buyer = customer_context()
        steps = {
            "list chairs": lambda: stack.call("ListChairsFunction", identity=buyer,
                                              path={"screening_id": screening}, query={"limit": "500"}),
            "hold 2 chairs": lambda: stack.call("PlaceOrderFunction", identity=buyer,
                                                body={"screening_id": screening, "chairs": ["A-1", "A-2"]}),
        }
        out = {}
        with CapacityMeter() as meter, AwsCallCounter() as counter:
            for warm in (0, 1):
                for name, step in steps.items():
                    if warm:
                        meter.reset(); counter.reset()
                        started = time.perf_counter()
                    answer = step()
                    assert answer.status in (200, 201), answer
                    if name == "hold 2 chairs":
                        order = answer.body
                    if warm:
                        usage = meter.reset()
                        out[name] = {"ms": (time.perf_counter() - started) * 1000, "write_units": usage.write_units,
                                     "read_units": usage.read_units, "lines": dict(usage.by_line),
                                     "kms": counter.of("kms")}
                    elif name == "hold 2 chairs":
                        stack.call("CancelOrderFunction", identity=buyer, path={"order_id": order["order_id"]})
                        steps["hold 2 chairs"] = lambda: stack.call(
                            "PlaceOrderFunction", identity=buyer,
                            body={"screening_id": screening, "chairs": ["A-3", "A-4"]})
            def pay(held, key):
                return stack.call("PayOrderFunction", identity=buyer, path={"order_id": held["order_id"]},
                                  body={"confirmation_id": held["confirmation_id"], "payment_method": "tok_ok"},
                                  headers={"Idempotency-Key": key})
            first = stack.call("PlaceOrderFunction", identity=buyer,
                               body={"screening_id": screening, "chairs": ["B-1", "B-2"]}).body
            assert pay(first, "cost-model-warm").status == 200  # a warm environment, its keys fetched
            meter.reset(); counter.reset()
            started = time.perf_counter()
            paid = pay(order, "cost-model-0001")
            assert paid.status == 200, paid
            ms = (time.perf_counter() - started) * 1000
            usage = meter.reset()
            # The simulated provider's ledger stands in for Stripe's side: not ours to pay for.
            ledger = {line: units for line, units in usage.by_line.items() if line.startswith("PaymentLedger")}
            ledger_reads = sum(units for line, units in ledger.items() if line.endswith("GetItem"))
            lines = {line: units for line, units in usage.by_line.items() if line not in ledger}
            out["pay"] = {"ms": ms, "write_units": usage.write_units - (sum(ledger.values()) - ledger_reads),
                          "read_units": usage.read_units - ledger_reads, "lines": lines, "kms": counter.of("kms")}
            return out

print("COST " + json.dumps(run()))
"""


def _booking_in(root: Path) -> dict[str, Any]:
    finished = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{root}:{root / 'layers' / 'common'}", "HOME": str(root)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    line = next((line for line in finished.stdout.splitlines() if line.startswith("COST ")), None)
    if line is None:
        raise RuntimeError(f"the booking did not run in {root}: {finished.stderr[-3000:]}")
    return dict(json.loads(line[5:]))


def _before() -> dict[str, Any] | None:
    with checkout() as worktree:
        if worktree is None:
            return None
        shutil.copy(PROJECT_ROOT / "local" / "capacity.py", worktree / "local" / "capacity.py")
        return _booking_in(worktree)


def per_million(booking: dict[str, Any], authorizer: dict[str, float]) -> dict[str, Any]:
    """USD per million bookings by line, from one metered booking and the authorizer's per-booking share."""
    steps = ("list chairs", "hold 2 chairs", "pay")
    write_units = sum(booking[step]["write_units"] for step in steps)
    read_units = sum(booking[step]["read_units"] for step in steps) + authorizer["read_units"]
    kms = sum(sum(booking[step]["kms"].values()) for step in steps)
    gb_seconds = sum(booking[step]["ms"] for step in steps) / 1000 * FUNCTION_MEMORY_GB
    gb_seconds += authorizer["invocations"] * authorizer["ms"] / 1000 * authorizer["memory_gb"]
    lines = {
        "API Gateway (3 requests)": 3 * PRICES["api_gateway_http_per_million_requests"],
        f"Lambda requests (3 + {authorizer['invocations']:g} authorizer)": (3 + authorizer["invocations"])
        * PRICES["lambda_per_million_requests"],
        "Lambda compute": gb_seconds * PRICES["lambda_arm64_per_gb_second"] * 1_000_000,
        f"DynamoDB writes ({write_units:g} units)": write_units * PRICES["dynamodb_per_million_write_units"],
        f"DynamoDB reads ({read_units:g} units)": read_units * PRICES["dynamodb_per_million_read_units"],
        f"KMS ({kms} requests)": kms * PRICES["kms_per_10k_requests"] * 100,
        "DynamoDB Streams consumers": 0.0,  # none yet (issue 15 adds them)
    }
    rounded = {line: round(value, 2) for line, value in lines.items()}
    return {
        "lines": rounded,
        "total": round(sum(lines.values()), 2),
        "write_units": write_units,
        "read_units": read_units,
        "kms_requests": kms,
        "gb_seconds": round(gb_seconds, 4),
        "by_operation": {
            step: {
                "write_units": booking[step]["write_units"],
                "read_units": booking[step]["read_units"],
                "lines": booking[step]["lines"],
            }
            for step in steps
        },
    }


def measure(authorizer_warm_ms: float, before_authorizer_warm_ms: float) -> dict[str, Any]:
    """Now: the authorizer is invoked once per booking (its answer is cached per token), 128 MB, one
    eventually consistent read. Before: once per request (the cache key held the route), 512 MB, one read."""
    now = per_million(
        _booking_in(PROJECT_ROOT),
        {"invocations": 1, "ms": authorizer_warm_ms, "memory_gb": AUTHORIZER_MEMORY_GB, "read_units": 0.5},
    )
    before_booking = _before()
    before = (
        per_million(
            before_booking,
            {"invocations": 3, "ms": before_authorizer_warm_ms, "memory_gb": FUNCTION_MEMORY_GB, "read_units": 1.5},
        )
        if before_booking
        else None
    )
    authorization = {
        "now": round(
            (PRICES["lambda_per_million_requests"] + 0.5 * PRICES["dynamodb_per_million_read_units"])
            + authorizer_warm_ms / 1000 * AUTHORIZER_MEMORY_GB * PRICES["lambda_arm64_per_gb_second"] * 1e6,
            3,
        ),
        "before": round(
            3 * (PRICES["lambda_per_million_requests"] + 0.5 * PRICES["dynamodb_per_million_read_units"])
            + 3 * before_authorizer_warm_ms / 1000 * FUNCTION_MEMORY_GB * PRICES["lambda_arm64_per_gb_second"] * 1e6,
            3,
        ),
    }
    return {
        "prices": PRICES,
        "before_commit": BEFORE_COMMIT,
        "now": now,
        "before": before,
        "authorization": authorization,
    }
