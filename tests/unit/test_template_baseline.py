"""The rewrite of template.yaml into loops and Globals lost nothing: the stack it deploys is the one before it.

template_baseline.json fingerprints every parameter, condition, resource (the
SAM transform's output: functions, roles and their inline policies, API
permissions, the API definition) and output of the template as it was before
the rewrite. The only differences are the ones named below, each on purpose.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from local.template import translated_template
from tools.template_baseline import BASELINE_PATH, fingerprints

# One alarm over seven functions (or five tables) became one alarm per function
# (or table): the alarm's name now says which one is in trouble.
REPLACED_ON_PURPOSE = {"BookingFunctionErrorsAlarm", "BookingFunctionThrottlesAlarm", "DynamoDBThrottlingAlarm"}
# Gone since, on purpose: resource or output -> why.
REMOVED_ON_PURPOSE = {
    "IdempotencyTable": "the order is a payment's idempotency record (issue 13: four write units a payment less)",
    "IdempotencyTableName": "the table is gone",
    "AuthorizerFailuresAlarm": "FunctionErrorsAlarm reads every function's errors less the rejected tokens, the "
    "authorizer's among them (issue 27: alarms are billed by the metric they read)",
}
# Changed since, on purpose: resource, parameter or output -> why. Each must really differ from the baseline.
CHANGED_ON_PURPOSE = {
    "PayOrderFunction": "the ticket key (TICKET_KEY_ID) in its environment instead of the token keys: QRs are "
    "ES256, signed when an order is answered (issue 13); no idempotency table (issue 13)",
    "RefundOrderFunction": "the till's table in its environment (box office refunds count on the till); "
    "the ticket key (issue 13)",
    "RefundOrderFunctionRole": "UpdateItem on the till's table; kms:GenerateMac on the ticket key (issue 13)",
    "OrdersTable": "the sparse by_member index; indexes project only what never changes; no by_status (issue 13); "
    "a stream: every change becomes domain events (issue 15)",
    "SubscriptionsTable": "the by_date index: GET /subscriptions with no filter, newest first; a stream (issue 15)",
    **dict.fromkeys(
        ["UsersTable", "MoviesTable", "MembersTable", "HallsTable"],
        "a stream (NEW_AND_OLD_IMAGES): every committed change becomes domain events (issue 15)",
    ),
    "ListOrdersFunctionRole": "Query on the by_member index; none on by_status, which is gone (issue 13); "
    "kms:GenerateMac on the ticket key (issue 13)",
    "ListSubscriptionsFunction": "the members' and movies' tables in its environment (names on each item)",
    "ListSubscriptionsFunctionRole": "Query on by_date; BatchGetItem of members and movies for their names",
    "CreateSubscriptionFunctionRole": "BatchGetItem of the member and the movie, for their names",
    "ScreeningsTable": "the sparse by_pending index: cancelled screenings still settling; a stream (issue 15)",
    "AuthorizerCacheSeconds": "the cache is per token now (issue 13): its description says so; 60 s by default and "
    "immediate revocation on routes that move money or power (issue 27)",
    "CreateUserFunctionRole": "GetItem of the caller's own account: user management judges the caller anew on every "
    "request (issue 27)",
    "HttpApi": "the authorizer's identity source is the Authorization header alone: one cached answer per token",
    "HttpApiApiGatewayDefaultStage": "its route throttles are the StageRateLimit and StageBurstLimit parameters",
    "AuthorizerFunction": "standard library only (boxoffice.edge): 128 MB, Lambda's JSON log format",
    "BookingDashboard": "errors and throttles by function, for the account-level alarms (issue 27)",
    "SweepHoldsFunction": "not traced: every minute, all month, it recorded 43,800 traces a month (issue 27)",
    "CreateHallFunction": "the venues' table and the default venue's parameters in its environment (issue 28)",
    "CreateHallFunctionRole": "the venue counts its halls in the hall's transaction; the default venue is made "
    "with the first hall (issue 28)",
    "CreateScreeningFunction": "the venues' table in its environment: a screening takes its venue's zone and "
    "currency (issue 28)",
    "CreateScreeningFunctionRole": "GetItem of the hall's venue (issue 28)",
    "ListScreeningsFunction": "the venues' table in its environment: ?date= is the venue's local day (issue 28)",
    "ListScreeningsFunctionRole": "Query on by_venue (a venue's program); GetItem of the venue (issue 28)",
    **dict.fromkeys(
        [
            "HttpApi GET /movies",
            "HttpApi GET /movies/{movie_id}",
            "HttpApi GET /screenings",
            "HttpApi GET /screenings/{screening_id}",
            "HttpApi GET /screenings/{screening_id}/chairs",
            "HttpApi GET /halls/{hall_id}",
        ],
        "no authorizer: the public program, read without a token (issue 28)",
    ),
    **dict.fromkeys(
        ["DeleteMemberFunctionRole", "DeleteMovieFunctionRole", "DeleteSubscriptionFunctionRole"],
        "UpdateItem on its table: a person's delete stamps who deleted first, which AWS refused without it (the "
        "audit entry lost its actor; tests/component/test_policies_allow_calls.py)",
    ),
    "PayOrderFunctionRole": "kms:GenerateMac on the ticket key (no kms:Sign: issue 13); the till; no idempotency table",
    **dict.fromkeys(
        ["JwksFunction", "GetOrderFunction", "ListOrdersFunction", "PlaceOrderFunction"],
        "the ticket key (TICKET_KEY_ID) in its environment: it answers tickets' QRs or publishes their key",
    ),
    **dict.fromkeys(
        ["JwksFunctionRole", "GetOrderFunctionRole", "PlaceOrderFunctionRole"],
        "kms:GenerateMac on the ticket key: derives the ES256 key that signs tickets' QRs (issue 13)",
    ),
}
# What the three replaced alarms watched, metric by metric.
WATCHED_BEFORE = {
    *{("AWS/Lambda", metric, f"{name}Function") for metric in ("Errors", "Throttles") for name in (
        "PlaceOrder", "PayOrder", "RefundOrder", "CancelOrder", "SweepHolds", "Login", "CreateScreening")},
    *{("AWS/DynamoDB", metric, f"{name}Table") for metric in ("ReadThrottleEvents", "WriteThrottleEvents") for name in (
        "Orders", "Chairs", "HoldQuotas", "Users")},
}  # fmt: skip


@pytest.fixture(scope="module")
def today() -> dict[str, dict[str, str]]:
    return fingerprints()


@pytest.fixture(scope="module")
def baseline() -> dict[str, dict[str, str]]:
    return json.loads(BASELINE_PATH.read_text())


def test_every_resource_of_the_baseline_is_deployed_unchanged(today, baseline):
    changed_anywhere: set[str] = set()
    for section, before in baseline.items():
        expected_gone = REPLACED_ON_PURPOSE if section == "Resources" else set()
        missing = sorted(set(before) - set(today[section]) - expected_gone - set(REMOVED_ON_PURPOSE))
        changed = {name for name in set(before) & set(today[section]) if before[name] != today[section][name]}
        meant = set(CHANGED_ON_PURPOSE) & set(before)
        assert not missing, f"{section} no longer in the template: {missing}"
        assert not changed - meant, f"{section} deployed differently than before: {sorted(changed - meant)}"
        changed_anywhere |= changed
        assert not (expected_gone & set(today[section])), "a replaced alarm is back; update REPLACED_ON_PURPOSE"
        assert not (set(REMOVED_ON_PURPOSE) & set(today[section])), "back in the template: update REMOVED_ON_PURPOSE"
    as_before = set(CHANGED_ON_PURPOSE) - changed_anywhere
    assert not as_before, f"in CHANGED_ON_PURPOSE but as before: {sorted(as_before)}"


EVERY_FUNCTION = "*"  # a dimensionless AWS/Lambda metric: Lambda's sum over every function of the account


def _watched(alarm: dict[str, Any]) -> set[tuple[str, str, str]]:
    properties = alarm["Properties"]
    stats = [metric["MetricStat"]["Metric"] for metric in properties.get("Metrics", []) if "MetricStat" in metric]
    if "MetricName" in properties:
        stats.append(properties)
    return {
        (stat["Namespace"], stat["MetricName"], stat["Dimensions"][0]["Value"]["Ref"] if "Dimensions" in stat else "*")
        for stat in stats
    }


def _covered(watched: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """What the watched metrics cover: an account-level Lambda metric covers it for every function."""
    every = {(namespace, name) for namespace, name, dimension in watched if dimension == EVERY_FUNCTION}
    return watched | {entry for entry in WATCHED_BEFORE if entry[:2] in every and entry[0] == "AWS/Lambda"}


def test_the_per_function_and_per_table_alarms_watch_what_the_replaced_alarms_did(today, baseline):
    resources = translated_template()["Resources"]
    added = set(today["Resources"]) - set(baseline["Resources"])
    per_function_or_table = ("FunctionErrorsAlarm", "FunctionThrottlesAlarm", "TableThrottlingAlarm")
    new_alarms = {
        name
        for name in added
        if resources.get(name, {}).get("Type") == "AWS::CloudWatch::Alarm" and name.endswith(per_function_or_table)
    }
    watched = _covered(set().union(*(_watched(resources[name]) for name in new_alarms)))
    assert watched >= WATCHED_BEFORE, f"no longer watched: {sorted(WATCHED_BEFORE - watched)}"
    for name in new_alarms:
        properties = resources[name]["Properties"]
        assert properties["AlarmActions"] == properties["OKActions"] == [{"Ref": "AlarmTopic"}]
        assert (properties["Threshold"], properties["ComparisonOperator"]) == (0, "GreaterThanThreshold")
