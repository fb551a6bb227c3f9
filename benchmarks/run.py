"""`make bench`: writes benchmarks/results.md and benchmarks/results.json.

Every figure is compared with something measured in the same run (the
machine is shared and noisy); counts of requests are exact.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from local.runtime import PROJECT_ROOT

OUT = PROJECT_ROOT / "benchmarks"


def _commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    return head.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _machine() -> dict[str, Any]:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "os": platform.platform()}


def _section(name: str, run: Any) -> tuple[Any, float]:
    print(f"  {name} ...", flush=True)
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    print(f"  {name} done in {seconds:.0f} s", flush=True)
    return result, seconds


def main() -> int:
    from benchmarks import coldstart, contention, cost, requests, sizes, throughput

    started = time.perf_counter()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": _machine(),
        "seconds": {},
    }
    for name, run in (
        ("requests", requests.measure),
        ("throughput", throughput.measure),
        ("contention", contention.measure),
        ("cold_start", coldstart.measure),
        ("sizes", sizes.measure),
    ):
        results[name], results["seconds"][name] = _section(name, run)
    warm = results["requests"]["warm_ms"]
    results["cost"] = cost.measure(
        results["requests"]["item_sizes"],
        {
            "list chairs": warm["list chairs (300-chair screening, one page)"],
            "hold": results["throughput"]["handler_hold_ms"],
            "pay": warm["pay (2 chairs)"],
            "authorizer x3": 3 * warm["authorizer (warm)"],
        },
    )
    results["seconds"]["total"] = round(time.perf_counter() - started, 1)
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (OUT / "results.md").write_text(render(results))
    print(render(results))
    return 0


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render(results: dict[str, Any]) -> str:
    machine = results["machine"]
    parts = [
        "# Benchmark results",
        "",
        f"{results['date']} · commit `{results['commit']}` · {machine['cpu']} ({machine['cores']} cores) · "
        f"Python {machine['python']} · `make bench` took {results['seconds']['total']:.0f} s",
        "",
        "## DynamoDB requests per operation",
        "",
        "Counted exactly (every SDK call, in process under moto). The first seed system's design for comparison.",
        "",
        _table(
            ["operation", "requests", "by operation", "budget", "seed design"],
            [
                [
                    row["operation"],
                    row["requests"],
                    ", ".join(f"{op} {n}" for op, n in row["by_operation"].items()),
                    row["budget"],
                    row["seed_design"],
                ]
                for row in results["requests"]["rows"]
            ],
        ),
        "",
        "The payment provider's own calls (its ledger, simulated here) are not counted above. No operation Scans.",
    ]
    throughput = results["throughput"]
    parts += [
        "",
        "## Throughput: the hold path against raw boto3, same embedded DynamoDB server",
        "",
        _table(
            ["what", "per second"],
            [
                [
                    "holds through the handler (resolver, validation, PynamoDB, BatchGetItem + TransactWriteItems)",
                    throughput["handler_holds_per_second"],
                ],
                ["raw boto3 conditional PutItem", throughput["raw_conditional_writes_per_second"]],
                [
                    "raw boto3 replaying a hold's own two requests (same items, same conditions)",
                    throughput["raw_hold_requests_per_second"],
                ],
            ],
        ),
        "",
        f"Ratio to the same requests replayed by hand: **{throughput['ratio_to_raw_hold_requests']}** (the goal is "
        f"0.7: what is left is our code, Powertools and PynamoDB). To raw single conditional writes: "
        f"**{throughput['ratio_to_raw_writes']}**: a hold is two requests, one a transaction over the order, each "
        "chair and the user's quota, so it cannot approach a lone PutItem. The handler ran in a process set up as "
        "its Lambda environment (not through the local runtime).",
        "",
        "Where a hold's time goes (own time, profiled over 100 holds):",
        "",
        _table(
            ["where", "percent"], [[bucket, percent] for bucket, percent in throughput["time_split_percent"].items()]
        ),
    ]
    contention = results["contention"]
    parts += [
        "",
        f"## Contention: {contention['workers']} workers, {contention['attempts']} hold attempts over "
        f"{contention['chairs']} chairs",
        "",
        _table(
            ["winning holds", "chairs won", "conflicts (409)", "other answers", "double holds", "p50", "p99"],
            [
                [
                    contention["winning_holds"],
                    contention["chairs_won"],
                    contention["conflicts"],
                    contention["other_answers"] or "none",
                    contention["double_holds"],
                    f"{contention['p50_ms']} ms",
                    f"{contention['p99_ms']} ms",
                ]
            ],
        ),
    ]
    cold = results["cold_start"]
    parts += [
        "",
        f"## Cold starts (median of {cold['runs']} fresh processes: import + first event)",
        "",
        _table(
            ["variant", "import", "first event", "total", "whole process"],
            [
                [
                    name,
                    f"{row['import_ms']} ms",
                    f"{row['first_event_ms']} ms",
                    f"{row['total_ms']} ms",
                    f"{row['process_ms']} ms",
                ]
                for name, row in cold["variants"].items()
            ],
        ),
        "",
        f"Authorizer / minimal Powertools handler: **{cold['authorizer_to_minimal']}x** (goal 1.2x).",
        "",
        _table(
            ["function", "import", "first event", "total", "first answer"],
            [
                [name, f"{row['import_ms']} ms", f"{row['first_event_ms']} ms", f"{row['total_ms']} ms", row["status"]]
                for name, row in cold["functions"].items()
            ],
        ),
    ]
    built = results["sizes"]
    if "error" in built:
        parts += ["", f"## Sizes after `make build`\n\nNot measured: {built['error']}"]
    else:
        parts += [
            "",
            "## Sizes after `make build`",
            "",
            f"Layer: {built['layer']['unzipped_bytes'] / 1e6:.1f} MB unzipped, "
            f"{built['layer']['zipped_bytes'] / 1e6:.1f} MB zipped (limit: 250 MB unzipped with the function).",
            "",
            _table(
                ["function", "unzipped", "zipped"],
                [
                    [name, f"{size['unzipped_bytes'] / 1e3:.1f} kB", f"{size['zipped_bytes'] / 1e3:.1f} kB"]
                    for name, size in built["functions"].items()
                ],
            ),
        ]
    spend = results["cost"]
    prices = spend["prices"]
    parts += [
        "",
        "## Cost per million bookings (list chairs, hold 2 chairs, pay)",
        "",
        f"Prices: {prices['region']}, {prices['as_of']}. Per booking: {spend['per_booking']['api_requests']} API "
        f"requests, {spend['per_booking']['lambda_invocations']} Lambda invocations "
        f"({spend['per_booking']['gb_seconds']} GB-s at 512 MB), {spend['per_booking']['write_units']} write units, "
        f"{spend['per_booking']['read_units']} read units.",
        "",
        _table(
            ["item", "USD per million bookings"],
            [[item, f"{value:.2f}"] for item, value in spend["per_million_bookings_usd"].items()]
            + [["**total**", f"**{spend['total_per_million_bookings_usd']:.2f}**"]],
        ),
        "",
        "Section times: "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in results["seconds"].items() if name != "total"),
        "",
    ]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
