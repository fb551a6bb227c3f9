"""A premiere's on-sale, simulated: 20,000 people try to book the 10 screenings of a premiere in its first minute.

A model, not a load test: each buyer lists the seat map, holds two chairs and
pays, with human pauses between; every request passes, in order, the limits
that would refuse it in AWS, each at its published size:

- the API stage's throttle (a token bucket: StageRateLimit per second, StageBurstLimit at once);
- API Gateway's account limit for HTTP APIs (10,000 requests per second per Region);
- Lambda's account concurrency (1,000 by default; in-flight = rate x the measured duration);
- DynamoDB per partition: 1,000 write units and 3,000 read units per second. A screening's chairs share
  one partition key, so every seat map read and every hold and sale of that screening lands on it;
  DynamoDB can split a hot key range by sort key, but not at once, so the model does not count on it.

A refused request (429, or a throttled DynamoDB request surfacing as a 503) is retried by its buyer after
a pause, up to five times; then the buyer gives up. With a waiting room in front of the booking routes,
buyers are admitted at a set rate per screening and wait in line instead of being refused.
The costs per request (units, durations) are what `make bench` measured, where it has measured them.
"""

from __future__ import annotations

import json
import random
import statistics
from dataclasses import dataclass, field
from typing import Any

from local.runtime import PROJECT_ROOT

BUYERS = 20_000
SCREENINGS = 10
SEATS_PER_SCREENING = 300
SEATS_PER_BUYER = 2
TICK = 0.1  # seconds
HORIZON = 600.0  # seconds simulated
ACCOUNT_RPS = 10_000  # API Gateway HTTP APIs, per account and Region
LAMBDA_CONCURRENCY = 1_000  # the default account limit
PARTITION_WRITE_UNITS = 1_000
PARTITION_READ_UNITS = 3_000
RETRIES = 5
PROVIDER_MS = 400.0  # a card payment at a real provider, not measured here (the simulated one is local)


@dataclass(frozen=True)
class Costs:
    """Per request: Lambda milliseconds (the function and, when not cached, the authorizer) and units on the
    screening's chair partition."""

    list_ms: float = 45.0
    hold_ms: float = 25.0
    pay_ms: float = 60.0
    list_read_units: float = 6.0  # 300 chairs of ~150 bytes, eventually consistent
    hold_write_units: float = 4.0  # two chairs, each twice in a transaction (a refused one costs as much)
    pay_write_units: float = 4.0

    @classmethod
    def measured(cls) -> Costs:
        """The durations `make bench` wrote to results.json, where present."""
        path = PROJECT_ROOT / "benchmarks" / "results.json"
        try:
            warm = json.loads(path.read_text())["requests"]["warm_ms"]
        except (OSError, KeyError, ValueError):
            return cls()
        return cls(
            list_ms=float(warm.get("list chairs (300-chair screening, one page)", cls.list_ms)),
            hold_ms=float(warm.get("hold 1 chair", cls.hold_ms)),
            pay_ms=float(warm.get("pay (2 chairs)", cls.pay_ms)),
        )


@dataclass(frozen=True)
class Scenario:
    name: str
    stage_rate: float
    stage_burst: float
    admit_per_screening_per_second: float | None = None  # a waiting room's admission rate, or none


@dataclass
class Buyer:
    screening: int
    arrives: float
    step: str = "list"  # list -> hold -> pay -> done | gave_up
    next_at: float = 0.0
    refusals: int = 0
    throttled_ever: bool = False
    admitted_at: float | None = None
    done_at: float | None = None


@dataclass
class Outcome:
    sold: int = 0
    buyers_done: int = 0
    gave_up_throttled: int = 0
    gave_up_sold_out: int = 0
    throttled_requests: int = 0
    partition_throttles: int = 0
    lambda_throttles: int = 0
    requests: int = 0
    peak_rps: float = 0.0
    peak_concurrency: float = 0.0
    sold_out_at: float | None = None
    waits: list[float] = field(default_factory=list)
    buyers_throttled: int = 0


class Bucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst, self.tokens = rate, burst, burst

    def tick(self) -> None:
        self.tokens = min(self.burst, self.tokens + self.rate * TICK)

    def take(self) -> bool:
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def _arrivals(rng: random.Random) -> list[Buyer]:
    """Two in five arrive in the first five seconds (the moment sales open), the rest over the minute; the
    opening night is twice as wanted as each other screening."""
    weights = [2.0] + [1.0] * (SCREENINGS - 1)
    buyers = []
    for index in range(BUYERS):
        arrives = rng.uniform(0, 5) if index % 5 < 2 else rng.uniform(0, 60)
        screening = rng.choices(range(SCREENINGS), weights)[0]
        buyers.append(Buyer(screening=screening, arrives=arrives, next_at=arrives))
    return buyers


def simulate(scenario: Scenario, costs: Costs, seed: int = 13) -> dict[str, Any]:
    rng = random.Random(seed)
    buyers = _arrivals(rng)
    free = [SEATS_PER_SCREENING] * SCREENINGS
    stage = Bucket(scenario.stage_rate, scenario.stage_burst)
    outcome = Outcome()
    queues: list[list[Buyer]] = [[] for _ in range(SCREENINGS)]
    admit_credit = [0.0] * SCREENINGS
    pending = sorted(buyers, key=lambda buyer: buyer.arrives)
    arrived = 0
    active: list[Buyer] = []
    now = 0.0
    while now < HORIZON:
        stage.tick()
        while arrived < len(pending) and pending[arrived].arrives <= now:
            buyer = pending[arrived]
            arrived += 1
            if scenario.admit_per_screening_per_second is None:
                buyer.admitted_at = buyer.arrives
                active.append(buyer)
            else:
                queues[buyer.screening].append(buyer)
        if scenario.admit_per_screening_per_second is not None:
            for screening in range(SCREENINGS):
                admit_credit[screening] += scenario.admit_per_screening_per_second * TICK
                while admit_credit[screening] >= 1 and queues[screening]:
                    admit_credit[screening] -= 1
                    buyer = queues[screening].pop(0)
                    if free[screening] < SEATS_PER_BUYER:  # the room tells them at once: sold out
                        buyer.step = "gave_up"
                        outcome.gave_up_sold_out += 1
                        continue
                    buyer.admitted_at, buyer.next_at = now, now
                    active.append(buyer)
        read_units = [0.0] * SCREENINGS
        write_units = [0.0] * SCREENINGS
        requests = concurrency_ms = 0.0
        still: list[Buyer] = []
        rng.shuffle(active)
        for buyer in active:
            if buyer.next_at > now:
                still.append(buyer)
                continue
            requests += 1
            outcome.requests += 1
            ms = {"list": costs.list_ms, "hold": costs.hold_ms, "pay": costs.pay_ms + PROVIDER_MS}[buyer.step]
            refused = not stage.take() or requests > ACCOUNT_RPS * TICK
            if not refused and (concurrency_ms + ms) / (TICK * 1000) > LAMBDA_CONCURRENCY:
                refused = True
                outcome.lambda_throttles += 1
            if not refused:
                concurrency_ms += ms
                screening = buyer.screening
                if buyer.step == "list":
                    if read_units[screening] + costs.list_read_units > PARTITION_READ_UNITS * TICK:
                        refused = True
                        outcome.partition_throttles += 1
                    else:
                        read_units[screening] += costs.list_read_units
                else:
                    units = costs.hold_write_units if buyer.step == "hold" else costs.pay_write_units
                    if write_units[screening] + units > PARTITION_WRITE_UNITS * TICK:
                        refused = True
                        outcome.partition_throttles += 1
                    else:
                        write_units[screening] += units
            if refused:
                outcome.throttled_requests += 1
                buyer.throttled_ever = True
                buyer.refusals += 1
                if buyer.refusals > RETRIES:
                    buyer.step = "gave_up"
                    outcome.gave_up_throttled += 1
                    continue
                buyer.next_at = now + rng.uniform(1, 3)  # Retry-After, then a human's patience
                still.append(buyer)
                continue
            if buyer.step == "list":
                if free[buyer.screening] < SEATS_PER_BUYER:
                    buyer.step = "gave_up"
                    outcome.gave_up_sold_out += 1
                    continue
                buyer.step, buyer.next_at = "hold", now + rng.uniform(3, 8)  # choosing seats
            elif buyer.step == "hold":
                if free[buyer.screening] < SEATS_PER_BUYER:  # the chairs went meanwhile: look again
                    buyer.step, buyer.next_at = "list", now + 1
                else:
                    free[buyer.screening] -= SEATS_PER_BUYER
                    buyer.step, buyer.next_at = "pay", now + rng.uniform(20, 60)  # typing a card number
            else:
                buyer.step, buyer.done_at = "done", now
                outcome.buyers_done += 1
                outcome.sold += SEATS_PER_BUYER
                outcome.waits.append(now - buyer.arrives)
                if outcome.sold_out_at is None and sum(free) < SEATS_PER_BUYER:
                    outcome.sold_out_at = now
                continue
            still.append(buyer)
        active = still
        outcome.peak_rps = max(outcome.peak_rps, requests / TICK)
        outcome.peak_concurrency = max(outcome.peak_concurrency, concurrency_ms / (TICK * 1000))
        now += TICK
    outcome.buyers_throttled = sum(1 for buyer in buyers if buyer.throttled_ever)
    waits = sorted(outcome.waits)
    return {
        "scenario": scenario.name,
        "seats_sold": outcome.sold,
        "seats": SEATS_PER_SCREENING * SCREENINGS,
        "all_seats_held_after_s": round(outcome.sold_out_at, 1) if outcome.sold_out_at is not None else None,
        "buyers_with_seats": outcome.buyers_done,
        "requests": outcome.requests,
        "requests_refused_percent": round(100 * outcome.throttled_requests / max(1, outcome.requests), 1),
        "buyers_refused_at_least_once_percent": round(100 * outcome.buyers_throttled / BUYERS, 1),
        "buyers_gave_up_refused": outcome.gave_up_throttled,
        "partition_throttles": outcome.partition_throttles,
        "lambda_throttles": outcome.lambda_throttles,
        "peak_requests_per_second": round(outcome.peak_rps),
        "peak_lambda_concurrency": round(outcome.peak_concurrency),
        "p50_arrival_to_paid_s": round(statistics.median(waits), 1) if waits else None,
        "p99_arrival_to_paid_s": round(waits[int(0.99 * (len(waits) - 1))], 1) if waits else None,
    }


SCENARIOS = (
    Scenario("today: stage 100/s, burst 200, no waiting room", 100, 200),
    Scenario("stage raised to 3,000/s, burst 5,000, no waiting room", 3_000, 5_000),
    Scenario("stage 3,000/s, burst 5,000, waiting room admits 25 buyers/s per screening", 3_000, 5_000, 25),
)


def measure() -> dict[str, Any]:
    costs = Costs.measured()
    return {
        "buyers": BUYERS,
        "screenings": SCREENINGS,
        "seats_per_screening": SEATS_PER_SCREENING,
        "costs": costs.__dict__,
        "provider_ms": PROVIDER_MS,
        "rows": [simulate(scenario, costs) for scenario in SCENARIOS],
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
