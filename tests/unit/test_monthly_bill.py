"""The monthly bill (benchmarks/monthly.py, `make bench`): its totals add up, it counts what the template deploys,
and the single-screen cinema's bill stays within issue 27's $5 a month (with AWS's always-free allowances)."""

from __future__ import annotations

import json

import pytest

from benchmarks import monthly
from local.runtime import PROJECT_ROOT
from local.template import raw_template

RESULTS = json.loads((PROJECT_ROOT / "benchmarks" / "results.json").read_text())
# The booking and its events as `make bench` last metered them, in USD a booking.
PER_BOOKING = (RESULTS["cost"]["now"]["total"] + RESULTS["events"]["metered"]["total"]) / 1e6


@pytest.fixture(scope="module")
def bill() -> dict:
    return monthly.measure(PER_BOOKING, None)


def test_every_total_is_the_sum_of_its_lines(bill):
    for cinema in bill["cinemas"].values():
        now = cinema["now"]
        assert now["total"] == pytest.approx(sum(now["lines"].values()), abs=0.01)
        assert now["total_with_free_tier"] == pytest.approx(sum(now["lines_with_free_tier"].values()), abs=0.01)
        assert all(0 <= free <= now["lines"][line] for line, free in now["lines_with_free_tier"].items())


def test_an_alarm_is_counted_by_the_metrics_it_reads():
    template = {
        "Resources": {
            "One": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Namespace": "AWS/Lambda", "MetricName": "E"}},
            "Math": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "Metrics": [{"Id": "sum", "Expression": "a + b"}, {"MetricStat": {}}, {"MetricStat": {}}]
                },
            },
        }
    }
    assert monthly.inventory(template, "")["alarm_metrics"] == 3


def test_the_inventory_is_the_templates(bill):
    stack = bill["stacks"]["now"]
    resources = raw_template()["Resources"]
    assert stack["kms_keys"] == 3  # two token signing keys (Fn::ForEach) and the tickets' HMAC key
    assert stack["dashboards"] == sum(1 for r in resources.values() if r["Type"] == "AWS::CloudWatch::Dashboard")
    assert stack["schedules_per_minute"] == 3 and stack["schedules_traced"] == 0
    assert "RevokedTokensRefused" in monthly._sources_at(None)


def test_a_single_screen_cinema_pays_at_most_five_dollars_a_month(bill):
    single = bill["cinemas"]["single screen"]
    assert single["tickets"] == 5_000
    assert single["now"]["total_with_free_tier"] <= 5.00, single["now"]["lines_with_free_tier"]
