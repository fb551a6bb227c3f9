"""Eight doors scanning the same tickets at once, against the embedded DynamoDB server: each admitted once."""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter
from dataclasses import dataclass

import pytest

from local.runtime import FunctionSpec, InProcessRuntime
from local.template import LocalStack
from tools.factories import DOOR_PERMISSIONS, customer_context
from tools.load import EmbeddedServer, call, make_screening

pytestmark = pytest.mark.integration

DOORS = 8
ROUNDS = 3  # each door scans every ticket this many times


@dataclass(frozen=True)
class DoorJob:
    spec: FunctionSpec
    screening_id: str
    codes: tuple[str, ...]
    seed: int


def door_worker(job: DoorJob) -> list[tuple[str, int, str | None]]:
    """One Lambda environment of the check-in function: (code, status, error code) per scan."""
    runtime = InProcessRuntime({job.spec.logical_id: job.spec})
    identity = {"sub": f"door-{job.seed}", "username": f"door-{job.seed}", "permissions": DOOR_PERMISSIONS}
    order = [code for _ in range(ROUNDS) for code in job.codes]
    random.Random(job.seed).shuffle(order)
    scans = []
    for code in order:
        status, body = call(runtime, "CheckInFunction", {"screening_id": job.screening_id}, identity, {"code": code})
        scans.append((code, status, body.get("code") if status != 200 else None))
    return scans


def _paid_tickets(stack: LocalStack, screening_id: str, orders: int) -> list[str]:
    runtime = InProcessRuntime(stack.functions)
    codes = []
    for number in range(orders):
        buyer = customer_context(f"buyer{number}")
        status, held = call(runtime, "PlaceOrderFunction", {"screening_id": screening_id, "chairs": [
            f"A-{2 * number + 1}", f"A-{2 * number + 2}"]}, buyer)  # fmt: skip
        assert status == 201, held
        status, paid = call(
            runtime,
            "PayOrderFunction",
            {"confirmation_id": held["confirmation_id"], "payment_method": "tok_ok"},
            buyer,
            path={"order_id": held["order_id"]},
            headers={"Idempotency-Key": f"pay-{held['order_id']}"},
        )
        assert status == 200, paid
        codes += [ticket["code"] for ticket in paid["tickets"]]
    return codes


def test_eight_doors_scanning_the_same_tickets_admit_each_once():
    with EmbeddedServer() as server:
        stack = server.stack()
        screening_id = make_screening(InProcessRuntime(stack.functions), rows=1, seats=10)
        codes = _paid_tickets(stack, screening_id, orders=3)
        jobs = [DoorJob(stack.functions["CheckInFunction"], screening_id, tuple(codes), seed) for seed in range(DOORS)]
        with multiprocessing.get_context("fork").Pool(DOORS) as pool:
            scans = [scan for batch in pool.map(door_worker, jobs) for scan in batch]

    assert len(scans) == DOORS * ROUNDS * len(codes)
    admitted = Counter(code for code, status, _ in scans if status == 200)
    assert admitted == {code: 1 for code in codes}, f"each ticket admitted exactly once: {admitted}"
    refusals = Counter(error for _, status, error in scans if status != 200)
    assert refusals == {"ALREADY_CHECKED_IN": len(scans) - len(codes)}, refusals
