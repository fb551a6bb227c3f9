"""16 workers, 1,000 hold attempts over 50 chairs: winners, conflicts, double holds, latency."""

from __future__ import annotations

from collections import Counter
from typing import Any

from local.runtime import InProcessRuntime
from tools.load import EmbeddedServer, make_screening, percentile, race

WORKERS = 16
ATTEMPTS = 1000
CHAIRS = [f"A-{seat}" for seat in range(1, 51)]


def measure() -> dict[str, Any]:
    with EmbeddedServer() as server:
        # Contention is what is measured: the limits across accounts (every racer is a new account, all at one
        # address) are lifted, so each refusal is a chair taken.
        stack = server.stack(NewAccountHours="0", MaxHeldChairsPerAddress="100000")
        screening_id = make_screening(InProcessRuntime(stack.functions), rows=1, seats=len(CHAIRS))
        attempts = race(
            stack.functions["PlaceOrderFunction"],
            screening_id,
            workers=WORKERS,
            attempts_per_worker=-(-ATTEMPTS // WORKERS),
            chairs=CHAIRS,
            chairs_per_hold=(1, 2),
        )
    statuses = Counter(attempt.status for attempt in attempts)
    winners_per_chair = Counter(chair for attempt in attempts if attempt.status == 201 for chair in attempt.chairs)
    latencies = [attempt.seconds for attempt in attempts]
    return {
        "workers": WORKERS,
        "attempts": len(attempts),
        "chairs": len(CHAIRS),
        "winning_holds": statuses[201],
        "chairs_won": len(winners_per_chair),
        "conflicts": statuses[409],
        "other_answers": {str(status): count for status, count in statuses.items() if status not in (201, 409)},
        "double_holds": sum(1 for count in winners_per_chair.values() if count > 1),
        "p50_ms": round(1000 * percentile(latencies, 0.50), 1),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1),
    }
