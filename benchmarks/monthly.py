"""What a cinema pays AWS a month, all in: the stack's fixed costs, and its use at three sizes (issue 27).

Fixed costs are counted from the template as CloudFormation deploys it (Fn::ForEach expanded): alarms by the
metrics they watch, dashboards, customer-managed KMS keys, custom metrics (the code's `add_metric` names and
the template's metric filters), the schedules' invocations, and the traces, logs and storage all of it makes.
Use is the booking's metered cost (the cost and events sections, per booking) times a month's bookings, plus
the requests around a booking (ASSUMPTIONS). AWS's always-free allowances are per account: the bill is given
with them (an account that runs Boxoffice alone) and without them.

The same model prices the template and code of an earlier commit (`git show`), so a lever's effect is a
difference between two rows of one run.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from local.runtime import PROJECT_ROOT
from local.template import TEMPLATE_PATH, expand_for_each, raw_template

# us-east-1, on-demand, as of 2026-11 (AWS's published prices).
PRICES = {
    "alarm_metric_month": 0.10,  # a standard-resolution alarm, per metric it reads
    "dashboard_month": 3.00,
    "kms_key_month": 1.00,  # a customer-managed key (each asymmetric or HMAC key too)
    "custom_metric_month": 0.30,  # prorated by the hours it is published in
    "lambda_per_million_requests": 0.20,
    "lambda_arm64_per_gb_second": 0.0000133334,
    "api_gateway_http_per_million_requests": 1.00,
    "dynamodb_per_million_read_units": 0.125,
    "dynamodb_storage_gb_month": 0.25,
    "dynamodb_pitr_gb_month": 0.20,
    "logs_ingestion_gb": 0.50,
    "logs_storage_gb_month": 0.03,
    "xray_per_million_traces": 5.00,
    "cloudfront_per_10k_https_requests": 0.01,
    "cloudfront_per_gb_out": 0.085,
}
# AWS's always-free allowances, per account and month.
FREE = {
    "alarm_metrics": 10,
    "dashboards": 3,
    "custom_metrics": 10,
    "lambda_requests": 1_000_000,
    "lambda_gb_seconds": 400_000,
    "dynamodb_storage_gb": 25,
    "logs_gb": 5,  # ingestion (and storage alike)
    "xray_traces": 100_000,
    "cloudfront_requests": 10_000_000,
    "cloudfront_gb": 1024,
}
ASSUMPTIONS = {
    "tickets per booking": 2,
    "API requests around a booking (the web app's catalog and seat-map reads)": 7,
    "their cost each, beyond API Gateway and Lambda's request price (30 ms at 512 MB, 1 read unit)": None,
    "web app loads per booking (CloudFront: 12 requests, 300 KB)": 1,
    "hours a month the cinema sells (12 a day): a business metric is published in these": 360,
    "log bytes per invocation (Lambda's START/END/REPORT in JSON, one INFO line)": 700,
    "a scheduled invocation (sweeper, settlement, webhook retries): ms at 512 MB": 60,
    "bytes stored per ticket, kept a year (order, chairs, events, audit, ledger, till)": 3000,
    "log retention (prod), months": 3,
    "X-Ray: Lambda's default sampling, the first request each second and 5 % of the rest": None,
}
CINEMAS = [("single screen", 1, 5_000), ("multiplex", 8, 60_000), ("chain, 40 x 8 screens", 320, 2_400_000)]
SECONDS_A_MONTH = 730 * 3600
_METRIC_NAME = re.compile(r'add_metric\(\s*name="([A-Za-z]+)"')


def _alarm_metrics(alarm: dict[str, Any]) -> int:
    properties = alarm["Properties"]
    if "Metrics" in properties:
        return sum(1 for metric in properties["Metrics"] if "MetricStat" in metric)
    return 1


def inventory(template: dict[str, Any], sources: str) -> dict[str, Any]:
    """What the stack has that costs by the month, from its expanded template and its code's text."""
    resources = expand_for_each(template)["Resources"]

    def of_type(kind: str) -> list[dict[str, Any]]:
        return [resource for resource in resources.values() if resource["Type"] == kind]

    traced_by_default = template.get("Globals", {}).get("Function", {}).get("Tracing") == "Active"

    def traced(function: dict[str, Any]) -> bool:
        return function["Properties"].get("Tracing", "Active" if traced_by_default else None) == "Active"

    scheduled = [
        function
        for function in of_type("AWS::Serverless::Function")
        if any(
            event["Type"] in ("Schedule", "ScheduleV2")
            for event in (function["Properties"].get("Events") or {}).values()
        )
    ]
    filters = {
        transformation["MetricName"]
        for metric_filter in of_type("AWS::Logs::MetricFilter")
        for transformation in metric_filter["Properties"]["MetricTransformations"]
    }
    return {
        "alarm_metrics": sum(_alarm_metrics(alarm) for alarm in of_type("AWS::CloudWatch::Alarm")),
        "alarms": len(of_type("AWS::CloudWatch::Alarm")),
        "dashboards": len(of_type("AWS::CloudWatch::Dashboard")),
        "kms_keys": len(of_type("AWS::KMS::Key")),
        "custom_metrics": len(set(_METRIC_NAME.findall(sources)) | filters),
        "schedules_per_minute": len(scheduled),  # every schedule here is rate(1 minute)
        "schedules_traced": sum(1 for function in scheduled if traced(function)),
        "tables_with_pitr": sum(
            1
            for table in of_type("AWS::DynamoDB::Table")
            if (table["Properties"].get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled")
        ),
        "traced": traced_by_default,
    }


def _traced(requests: float, active_seconds: float) -> float:
    rate = requests / active_seconds
    return active_seconds * (min(rate, 1.0) + 0.05 * max(0.0, rate - 1.0))


def bill(stack: dict[str, Any], tickets: int, per_booking_usd: float) -> dict[str, Any]:
    """One month's lines in USD, without and with the always-free allowances, for `tickets` sold."""
    bookings = tickets / ASSUMPTIONS["tickets per booking"]
    open_hours = ASSUMPTIONS["hours a month the cinema sells (12 a day): a business metric is published in these"]
    around = bookings * ASSUMPTIONS["API requests around a booking (the web app's catalog and seat-map reads)"]
    scheduled = stack["schedules_per_minute"] * 60 * 730
    ms = ASSUMPTIONS["a scheduled invocation (sweeper, settlement, webhook retries): ms at 512 MB"]
    invocations = bookings * 4 + around + scheduled  # a booking: 3 functions and the authorizer once
    gb_seconds = scheduled * ms / 1000 * 0.5 + around * 0.030 * 0.5
    log_gb = (
        invocations * ASSUMPTIONS["log bytes per invocation (Lambda's START/END/REPORT in JSON, one INFO line)"] / 1e9
    )
    stored_gb = (
        tickets
        * 12
        * ASSUMPTIONS["bytes stored per ticket, kept a year (order, chairs, events, audit, ledger, till)"]
        / 1e9
    )
    traces = _traced(bookings * 3 + around, open_hours * 3600) if stack["traced"] else 0
    traces += stack.get("schedules_traced", stack["schedules_per_minute"] if stack["traced"] else 0) * 60 * 730
    loads = bookings * ASSUMPTIONS["web app loads per booking (CloudFront: 12 requests, 300 KB)"]
    hours_share = open_hours / 730
    usage = {
        "alarm_metrics": (stack["alarm_metrics"], FREE["alarm_metrics"], PRICES["alarm_metric_month"]),
        "dashboards": (stack["dashboards"], FREE["dashboards"], PRICES["dashboard_month"]),
        "kms_keys": (stack["kms_keys"], 0, PRICES["kms_key_month"]),
        # Business metrics are published in the hours the cinema sells; TokensRejected whenever a token fails.
        "custom_metrics": (stack["custom_metrics"] * hours_share, FREE["custom_metrics"],
                           PRICES["custom_metric_month"]),
        "lambda_requests": (scheduled + around, FREE["lambda_requests"], PRICES["lambda_per_million_requests"] / 1e6),
        "lambda_gb_seconds": (gb_seconds, FREE["lambda_gb_seconds"], PRICES["lambda_arm64_per_gb_second"]),
        "api_requests_around_bookings": (around, 0, PRICES["api_gateway_http_per_million_requests"] / 1e6),
        "reads_around_bookings": (around, 0, PRICES["dynamodb_per_million_read_units"] / 1e6),
        "bookings_metered": (bookings, 0, per_booking_usd),
        "logs": (log_gb, FREE["logs_gb"], PRICES["logs_ingestion_gb"] + ASSUMPTIONS["log retention (prod), months"]
                 * PRICES["logs_storage_gb_month"]),
        "dynamodb_storage": (stored_gb, FREE["dynamodb_storage_gb"], PRICES["dynamodb_storage_gb_month"]),
        "point_in_time_recovery": (stored_gb if stack["tables_with_pitr"] else 0, 0, PRICES["dynamodb_pitr_gb_month"]),
        "xray_traces": (traces, FREE["xray_traces"], PRICES["xray_per_million_traces"] / 1e6),
        "cloudfront_requests": (loads * 12, FREE["cloudfront_requests"],
                                PRICES["cloudfront_per_10k_https_requests"] / 1e4),
        "cloudfront_transfer": (loads * 0.0003, FREE["cloudfront_gb"], PRICES["cloudfront_per_gb_out"]),
    }  # fmt: skip
    without = {line: quantity * price for line, (quantity, _, price) in usage.items()}
    with_free = {line: max(0.0, quantity - free) * price for line, (quantity, free, price) in usage.items()}
    return {
        "bookings": bookings,
        "lines": {line: round(value, 3) for line, value in without.items()},
        "lines_with_free_tier": {line: round(value, 3) for line, value in with_free.items()},
        "total": round(sum(without.values()), 2),
        "total_with_free_tier": round(sum(with_free.values()), 2),
    }


def _sources_at(commit: str | None) -> str:
    if commit is None:
        paths = [*PROJECT_ROOT.glob("layers/common/boxoffice/**/*.py"), *PROJECT_ROOT.glob("functions/**/*.py")]
        return "\n".join(path.read_text() for path in paths)
    found = subprocess.run(
        ["git", "grep", "-h", "add_metric(", commit, "--", "layers", "functions"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout


def _template_at(commit: str | None) -> dict[str, Any]:
    if commit is None:
        return raw_template(TEMPLATE_PATH)
    text = subprocess.run(
        ["git", "show", f"{commit}:template.yaml"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "template.yaml"
        path.write_text(text)
        return raw_template(path)


def measure(per_booking_usd: float, before_commit: str | None) -> dict[str, Any]:
    """The bill now and (when the commit is there) at `before_commit`, for every cinema of CINEMAS."""
    stacks = {"now": inventory(_template_at(None), _sources_at(None))}
    if before_commit:
        with contextlib.suppress(subprocess.CalledProcessError):  # a shallow clone may lack the commit
            stacks["before"] = inventory(_template_at(before_commit), _sources_at(before_commit))
    return {
        "prices": PRICES,
        "free": FREE,
        "assumptions": {name: value for name, value in ASSUMPTIONS.items()},
        "per_booking_usd": per_booking_usd,
        "before_commit": before_commit,
        "stacks": stacks,
        "cinemas": {
            name: {
                "screens": screens,
                "tickets": tickets,
                **{which: bill(stack, tickets, per_booking_usd) for which, stack in stacks.items()},
            }
            for name, screens, tickets in CINEMAS
        },
    }
