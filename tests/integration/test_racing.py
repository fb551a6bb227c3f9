"""Many Lambda environments racing for the same chairs against the embedded DynamoDB server."""

from __future__ import annotations

from collections import Counter

import pytest

from local.runtime import InProcessRuntime
from tools.load import EmbeddedServer, make_screening, percentile, race

pytestmark = pytest.mark.integration

WORKERS = 8
ATTEMPTS_PER_WORKER = 200
HANDFUL = ["A-1", "A-2", "A-3", "A-4", "A-5"]


@pytest.fixture(scope="module")
def server():
    with EmbeddedServer() as embedded:
        yield embedded


@pytest.mark.slow
def test_eight_workers_racing_for_five_chairs_get_one_winner_each(server):
    stack = server.stack()
    screening_id = make_screening(InProcessRuntime(stack.functions), rows=1, seats=5)
    attempts = race(
        stack.functions["PlaceOrderFunction"],
        screening_id,
        workers=WORKERS,
        attempts_per_worker=ATTEMPTS_PER_WORKER,
        chairs=HANDFUL,
        chairs_per_hold=(1, 2),
    )

    assert len(attempts) == WORKERS * ATTEMPTS_PER_WORKER
    statuses = Counter(attempt.status for attempt in attempts)
    assert set(statuses) <= {201, 409}, statuses
    won = Counter(chair for attempt in attempts if attempt.status == 201 for chair in attempt.chairs)
    assert won == {chair: 1 for chair in HANDFUL}, f"each chair has exactly one winner: {won}"
    for attempt in attempts:
        if attempt.status == 409:
            assert attempt.body["code"] == "CHAIR_UNAVAILABLE"
            assert attempt.body["details"]["chairs"] and set(attempt.body["details"]["chairs"]) <= set(attempt.chairs)
    latencies = [attempt.seconds for attempt in attempts]
    print(
        f"\nracing: {statuses[201]} winners, {statuses[409]} conflicts, 0 double holds; hold p50 "
        f"{percentile(latencies, 0.5) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms"
    )


def test_racing_holds_of_one_user_never_exceed_the_cap(server):
    stack = server.stack(MaxHeldChairsPerUser="3")
    screening_id = make_screening(InProcessRuntime(stack.functions), rows=4, seats=50)
    every_chair = [f"{row}-{seat}" for row in "ABCD" for seat in range(1, 51)]
    attempts = race(
        stack.functions["PlaceOrderFunction"],
        screening_id,
        workers=WORKERS,
        attempts_per_worker=25,
        chairs=every_chair,
        one_user=True,
    )
    statuses = Counter(attempt.status for attempt in attempts)
    held = [chair for attempt in attempts if attempt.status == 201 for chair in attempt.chairs]
    assert len(held) <= 3, f"the cap was exceeded: {held}"
    assert len(held) == 3, "the cap was reached"
    assert set(statuses) <= {201, 409, 429, 503}, statuses
    assert statuses[429] > 0
