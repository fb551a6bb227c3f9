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


def _cost(cost: Any, results: dict[str, Any]) -> Any:
    """The cost section, with the authorizer's warm durations the cold-start section measured."""
    variants = results["cold_start"]["variants"]
    before = next((row for name, row in variants.items() if name.startswith("authorizer as of")), None)
    now = variants["authorizer"]["warm_ms"]
    return cost.measure(now, before["warm_ms"] if before else now)


# The commit before issue 27's levers on the monthly bill (account-level alarms, untraced schedules).
MONTHLY_BEFORE = "9891b56"


def _monthly(monthly: Any, results: dict[str, Any]) -> Any:
    """The monthly bill, with the booking's cost and its events' as the cost and events sections metered them."""
    per_million = results["cost"]["now"]["total"] + (results.get("events") or {}).get("metered", {}).get("total", 0)
    return monthly.measure(per_million / 1e6, MONTHLY_BEFORE)


def main() -> int:
    from benchmarks import (
        coldstart,
        contention,
        cost,
        events,
        local_load,
        monthly,
        onsale,
        requests,
        sizes,
        throughput,
        web,
    )

    if sys.argv[1:2] == [
        "--only"
    ]:  # one section again, into the last run's results: python -m benchmarks.run --only web
        results = json.loads((OUT / "results.json").read_text())
        for name in sys.argv[2:]:
            run = {
                "local_load": local_load.measure,
                "cost": lambda: _cost(cost, results),
                "events": events.measure,
                "web": lambda: web.measure(results.get("cost")),
                "monthly": lambda: _monthly(monthly, results),
            }[name]
            results[name], results["seconds"][name] = _section(name, run)
        (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        (OUT / "results.md").write_text(render(results))
        return 0

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
        ("local_load", local_load.measure),
    ):
        results[name], results["seconds"][name] = _section(name, run)
    results["cost"], results["seconds"]["cost"] = _section("cost", lambda: _cost(cost, results))
    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")  # the on-sale model reads its costs
    results["onsale"], results["seconds"]["onsale"] = _section("onsale", onsale.measure)
    results["events"], results["seconds"]["events"] = _section("events", events.measure)
    results["web"], results["seconds"]["web"] = _section("web", lambda: web.measure(results.get("cost")))
    results["monthly"], results["seconds"]["monthly"] = _section("monthly", lambda: _monthly(monthly, results))
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
        f"Authorizer / minimal Powertools handler, import and first event, medians of "
        f"{cold.get('comparison_runs', cold['runs'])} alternating fresh processes: "
        f"**{cold['authorizer_to_minimal']}x** "
        f"(goal at most 1.5x; the authorizer before issue 13: {cold.get('before_to_minimal')}x). Warm, it adds "
        f"**{cold.get('added_warm_ms')} ms** to a request over the minimal handler's.",
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
    parts += _cost_section(results["cost"])
    parts += _load_section(results.get("local_load"))
    parts += _onsale_section(results.get("onsale"))
    parts += _events_section(results.get("events"), results.get("cost"))
    parts += _monthly_section(results.get("monthly"))
    parts += _web_section(results.get("web"))
    parts += [
        "",
        "Section times: "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in results["seconds"].items() if name != "total"),
        "",
    ]
    return "\n".join(parts)


def _cost_section(spend: dict[str, Any]) -> list[str]:
    prices = spend["prices"]
    now, before = spend["now"], spend["before"]
    lines = list(now["lines"])
    before_lines = list(before["lines"]) if before else []
    rows = [
        [line, f"{before['lines'][before_lines[index]]:.2f}" if before else "-", f"{now['lines'][line]:.2f}"]
        for index, line in enumerate(lines)
    ]
    rows.append(["**total**", f"**{before['total']:.2f}**" if before else "-", f"**{now['total']:.2f}**"])
    parts = [
        "",
        "## Cost per million bookings (list a 300-chair screening's chairs, hold 2, pay)",
        "",
        f"Prices: {prices['region']}, {prices['as_of']}. Every unit metered from the items a real booking "
        f"touched (local.capacity: item sizes, index projections, index key changes, transactions twice). "
        f"Before: the same booking on `{spend['before_commit']}`, metered the same way. Line names are this "
        "commit's (before: 3 authorizer invocations, 48 write units; see results.json for its own).",
        "",
        _table(["line", f"before ({spend['before_commit']})", "now"], rows),
        "",
        f"Authorization per booking: ${spend['authorization']['now']:.3f} per million now (one invocation at "
        f"128 MB and one eventually consistent read), ${spend['authorization']['before']:.3f} before.",
        "",
        "Revocation at the next request (issue 27) adds nothing here: a customer's hold and pay never read the "
        "account again (tests/component/test_revocation.py counts it). A box office sale (staff holding "
        "`orders:manage`) reads the seller's account consistently in its hold and in its pay: 2 read units, "
        f"${2 * prices['dynamodb_per_million_read_units']:.2f} per million such sales; refunds, user management, "
        "the till and webhooks one read unit per request.",
        "",
        "Venues and tax (issue 28) add no write unit here: an order now carries its venue, its time zone and the "
        "tax rate its prices include (about 40 bytes; the booking above is in the default venue, `main`), and its "
        "items stay within the same 1 KB write units. A hold reads its venue (zone, tax rate) at most once a "
        "minute per function environment, not per booking, so no read unit per booking either; the compute line "
        "moves with the durations measured in each run (the hold answers each seat's net and tax).",
        "",
        "Per operation now (write and read units, by table, index and request):",
        "",
    ]
    for operation, usage in now["by_operation"].items():
        lines_text = ", ".join(f"{line} {units:g}" for line, units in usage["lines"].items())
        parts.append(f"- **{operation}**: {usage['write_units']:g} write units, {usage['read_units']:g} read "
                     f"units ({lines_text or 'nothing'})")  # fmt: skip
    if before:
        parts += ["", "Before:", ""]
        for operation, usage in before["by_operation"].items():
            lines_text = ", ".join(f"{line} {units:g}" for line, units in usage["lines"].items())
            parts.append(f"- **{operation}**: {usage['write_units']:g} write units, {usage['read_units']:g} "
                         f"read units ({lines_text or 'nothing'})")  # fmt: skip
    return parts


def _load_section(load: dict[str, Any] | None) -> list[str]:
    if not load:
        return []
    before = {row["clients"]: row for row in load.get("before") or []}
    rows = []
    for row in load["after"]:
        old = before.get(row["clients"])
        ratio = f"{row['holds_per_second'] / old['holds_per_second']:.2f}x" if old else "-"
        rows.append(
            [
                row["clients"],
                f"{old['holds_per_second']} / {old['p50_ms']} / {old['p99_ms']}" if old else "-",
                f"{row['holds_per_second']} / {row['p50_ms']} / {row['p99_ms']}",
                ratio,
                row["refused"],
            ]
        )
    return [
        "",
        "## `make run` under load: holds per second, p50 ms, p99 ms",
        "",
        f"HTTP clients holding one chair per request against `python -m local.stack` (limits lifted by "
        f"parameters), now and at `{load['before_commit']}` (a git worktree), in the same run.",
        "",
        _table(["clients", f"before ({load['before_commit']})", "now", "holds/s now / before", "refused"], rows),
        "",
        _load_targets(load, before),
    ]


def _load_targets(load: dict[str, Any], before: dict[int, dict[str, Any]]) -> str:
    """Issue 27's two targets for the local stack, and whether this run met them."""
    now = {row["clients"]: row for row in load["after"]}
    ratio = now[16]["holds_per_second"] / before[16]["holds_per_second"] if 16 in before else None
    p50 = now[1]["p50_ms"]
    return (
        f"Targets (issue 27): 16 clients at 3x the old stack's holds per second in the same run: "
        f"{f'{ratio:.2f}x' if ratio else '-'} ({'met' if ratio and ratio >= 3 else 'not met'}); one client's hold "
        f"p50 at most 30 ms: {p50} ms ({'met' if p50 <= 30 else 'not met'}). The background worker (schedules, "
        "event consumers) runs at nice 10, so the API's workers come first on a busy machine."
    )


def _onsale_section(sale: dict[str, Any] | None) -> list[str]:
    if not sale:
        return []
    keys = [
        ("seats_sold", "seats sold"),
        ("buyers_with_seats", "buyers with seats"),
        ("all_seats_held_after_s", "all seats held after (s)"),
        ("requests_refused_percent", "requests refused (%)"),
        ("buyers_refused_at_least_once_percent", "buyers refused at least once (%)"),
        ("buyers_gave_up_refused", "buyers who gave up, refused"),
        ("partition_throttles", "DynamoDB partition throttles"),
        ("lambda_throttles", "Lambda throttles"),
        ("peak_requests_per_second", "peak requests/s"),
        ("peak_lambda_concurrency", "peak Lambda concurrency"),
        ("p50_arrival_to_paid_s", "p50 arrival to paid (s)"),
        ("p99_arrival_to_paid_s", "p99 arrival to paid (s)"),
    ]
    rows = [[row["scenario"], *(row[key] for key, _ in keys)] for row in sale["rows"]]
    return [
        "",
        f"## A premiere's on-sale: {sale['buyers']:,} buyers, {sale['screenings']} screenings of "
        f"{sale['seats_per_screening']} seats, in the first minute",
        "",
        "A model fed with the durations measured above and DynamoDB's, Lambda's and API Gateway's published "
        "limits (benchmarks/onsale.py; docs/capacity.md says what each row means).",
        "",
        _table(["scenario", *(label for _, label in keys)], rows),
    ]


def _events_section(events: dict[str, Any] | None, spend: dict[str, Any] | None) -> list[str]:
    if not events:
        return []
    metered, delay = events["metered"], events["delay"]
    booking = spend["now"]["total"] if spend else None
    parts = [
        "",
        "## What the domain events add to a booking (issue 15)",
        "",
        f"One booking (hold two chairs, pay) makes {len(metered['events'])} events "
        f"({', '.join(metered['events'])}). Relaying them (the tables' streams) and handing them to every consumer "
        "whose rule matches (reports, recommendations, audit, webhooks with none subscribed), metered in process "
        "(benchmarks/events.py):",
        "",
        _table(
            ["line", "USD per million bookings"],
            [[line, f"{value:.2f}"] for line, value in metered["lines"].items()]
            + [["**total**", f"**{metered['total']:.2f}**"]],
        ),
        "",
        "Invocations: "
        + ", ".join(f"{name} {count}" for name, count in metered["invocations"].items())
        + ". DynamoDB requests: "
        + ", ".join(f"{name} {count}" for name, count in metered["dynamodb_requests"].items())
        + ". Units by line: "
        + ", ".join(f"{line} {units:g}" for line, units in metered["by_line"].items())
        + ".",
    ]
    if booking is not None:
        parts += [
            "",
            f"The booking itself costs {booking:.2f} (above): with its events, {booking + metered['total']:.2f}.",
        ]
    if delay.get("p50_s") is not None:
        parts += [
            "",
            f"Under `make run`: from the payment's answer to a webhook receiver on this machine getting OrderPaid, "
            f"p50 {delay['p50_s']:.2f} s, p90 {delay['p90_s']:.2f} s, max {delay['max_s']:.2f} s over "
            f"{delay['delivered']} of {delay['bookings']} sequential bookings (the stream and the rule queues are "
            f"polled every {delay['poll_interval_s']} s).",
        ]
    return parts


def _monthly_section(bill: dict[str, Any] | None) -> list[str]:
    if not bill:
        return []
    stacks = bill["stacks"]
    before = bill["before_commit"] if "before" in stacks else None

    def usd(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    rows = []
    for name, cinema in bill["cinemas"].items():
        then, now = cinema.get("before") or {}, cinema["now"]
        rows.append(
            [name, cinema["screens"], f"{cinema['tickets']:,}", usd(then.get("total_with_free_tier")),
             f"**{now['total_with_free_tier']:.2f}**", usd(then.get("total")), usd(now["total"])]
        )  # fmt: skip
    single = next(iter(bill["cinemas"].values()))
    single_before = single.get("before") or {"lines_with_free_tier": {}}
    lines = [
        [line, usd(single_before["lines_with_free_tier"].get(line)), usd(single["now"]["lines_with_free_tier"][line]),
         usd(single["now"]["lines"][line])]
        for line in single["now"]["lines"]
    ]  # fmt: skip
    counted = ", ".join(f"{name} {value}" for name, value in stacks["now"].items())
    assumptions = "; ".join(
        f"{name}{'' if value is None else f': {value}'}" for name, value in bill["assumptions"].items()
    )
    parts = [
        "",
        "## What a cinema pays AWS a month, all in (issue 27)",
        "",
        "Fixed costs counted from the template as deployed (benchmarks/monthly.py: alarms by the metrics they read, "
        "dashboards, KMS keys, custom metrics, the every-minute schedules and their traces, logs, storage, "
        "point-in-time recovery), plus use: the booking with its events as metered above "
        f"(${bill['per_booking_usd'] * 1e6:.2f} per million bookings) and the requests around it. USD a month, "
        'us-east-1; "with free tier" counts AWS\'s always-free allowances once (an account that runs Boxoffice '
        f"alone). Before: the same model over `{before}`'s template and code.",
        "",
        _table(
            [
                "cinema",
                "screens",
                "tickets a month",
                f"with free tier, before ({before})",
                "with free tier, now",
                "without free tier, before",
                "without free tier, now",
            ],
            rows,
        ),
        "",
        f"The single screen's bill by line (now: {counted}):",
        "",
        _table(["line", "with free tier, before", "with free tier, now", "without free tier, now"], lines),
        "",
        f"Assumptions: {assumptions}.",
    ]
    if before:
        then, now = stacks["before"], stacks["now"]
        alarms = [usd(single_before["lines_with_free_tier"]["alarm_metrics"]),
                  usd(single["now"]["lines_with_free_tier"]["alarm_metrics"])]  # fmt: skip
        traces = [usd(single_before["lines_with_free_tier"]["xray_traces"]),
                  usd(single["now"]["lines_with_free_tier"]["xray_traces"])]  # fmt: skip
        parts += [
            "",
            f"Levers (the single screen, with free tier): alarm metrics {then['alarm_metrics']} -> "
            f"{now['alarm_metrics']}, ${alarms[0]} -> ${alarms[1]} (22 per-function alarms and the authorizer's "
            "became two alarms on Lambda's account-level Errors and Throttles; the dashboard's \"by function\" "
            f"widgets say which function). Traced schedules {then['schedules_traced']} -> {now['schedules_traced']}, "
            f"X-Ray ${traces[0]} -> ${traces[1]} (three every-minute schedules recorded 131,400 traces a month). "
            "Left as they are: the dashboard (within the free three), the three KMS keys ($3.00: two RSA signing "
            "keys, for rotation, and the tickets' HMAC key; no AWS-owned key signs or makes MACs), log retention "
            "(14 days in dev, 90 in prod: cents).",
        ]
    return parts


def _web_section(app: dict[str, Any] | None) -> list[str]:
    if not app:
        return []
    sizes, chromium, live = app["sizes"]["gzipped_bytes"], app["chromium"], app["live"]
    parts = [
        "",
        "## The web app (issue 16)",
        "",
        "Gzipped: "
        + ", ".join(f"{kind} {size / 1000:.1f} kB" for kind, size in sizes.items())
        + f" ({app['sizes']['note']}).",
    ]
    if "first_seat_map_ms" in chromium:
        parts += [
            "",
            f"In Chromium against `make run` (median of {chromium['runs']}): the demo screening's seat map is "
            f"drawn {chromium['first_seat_map_ms']:.0f} ms after the page is opened (the app's load, its sign-in "
            "check, the screening, the hall and the chairs); a 3,000-chair seat map (50 rows of 60) "
            f"{chromium['seat_map_3000_ms']:.0f} ms.",
        ]
    parts += [
        "",
        f"Live seat maps poll every {live['poll_seconds']} s while shown: {live['requests_per_viewer_minute']:g} "
        f"requests, {live['dynamodb_queries_per_viewer_minute']:g} DynamoDB Queries and "
        f"{live['read_units_per_viewer_minute']:g} read units per viewer per minute. 1,000 viewers of one screening "
        "for an hour: "
        + ", ".join(f"{line} {value:.2f}" for line, value in live["thousand_viewers_hour_usd"].items())
        + f" = **{live['thousand_viewers_hour_total_usd']:.2f} USD**.",
    ]
    return parts


if __name__ == "__main__":
    sys.exit(main())
