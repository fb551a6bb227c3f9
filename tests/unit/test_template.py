"""template.yaml is the stack: every function loads, logs somewhere explicit, and may touch only its own tables."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from local.runtime import InProcessRuntime
from local.template import raw_template, resources_of_type
from tests.harness import DEFAULT_PARAMETERS, resolved_stack

FUNCTIONS = resources_of_type("AWS::Serverless::Function")
TABLES = set(resources_of_type("AWS::DynamoDB::Table"))


def _references(node: Any) -> set[str]:
    """Every logical id a piece of template refers to (Ref, GetAtt, ${...} in Sub)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref":
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else value.split(".")[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                found |= {name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text)}
                if not isinstance(value, str):
                    found |= _references(value[1])
            else:
                found |= _references(value)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


def _policy_statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    statements = []
    for policy in function["Properties"].get("Policies", []):
        assert isinstance(policy, dict) and "Statement" in policy, "policies are explicit statements"
        statements += policy["Statement"]
    return statements


def test_the_template_has_functions():
    assert len(FUNCTIONS) >= 2


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_imports_from_its_code_uri_with_the_layer(logical_id):
    stack = resolved_stack(tuple(sorted(DEFAULT_PARAMETERS.items())))
    runtime = InProcessRuntime(stack.functions)
    handler = runtime.environment(logical_id).load()
    assert callable(handler)


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_logs_to_its_own_log_group_with_retention(logical_id):
    properties = FUNCTIONS[logical_id]["Properties"]
    log_group_id = properties["LoggingConfig"]["LogGroup"]["Ref"]
    log_group = raw_template()["Resources"][log_group_id]
    assert log_group["Type"] == "AWS::Logs::LogGroup"
    assert "RetentionInDays" in log_group["Properties"]
    others = [
        other
        for other, resource in FUNCTIONS.items()
        if other != logical_id and resource["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] == log_group_id
    ]
    assert not others, f"{logical_id} shares its log group with {others}"


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_policy_names_only_its_own_tables_and_no_wildcards(logical_id):
    properties = FUNCTIONS[logical_id]["Properties"]
    own_tables = _references(properties.get("Environment", {})) & TABLES
    statements = _policy_statements(FUNCTIONS[logical_id])
    named_tables = _references(statements) & TABLES
    assert named_tables == own_tables, (
        f"{logical_id}: policy names {sorted(named_tables)}, environment gives {sorted(own_tables)}"
    )
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all("*" not in action for action in actions), f"{logical_id} grants a wildcard action"
        assert "dynamodb:Scan" not in actions, f"{logical_id} may Scan; every list is a Query"
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        assert "*" not in resources, f"{logical_id} grants on every resource"


def test_tables_are_on_demand_and_orders_expire_by_ttl():
    tables = resources_of_type("AWS::DynamoDB::Table")
    assert all(table["Properties"]["BillingMode"] == "PAY_PER_REQUEST" for table in tables.values())
    assert tables["OrdersTable"]["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "expires_at",
        "Enabled": True,
    }


def test_every_table_has_an_output():
    outputs = raw_template()["Outputs"]
    referenced = {next(iter(_references(output["Value"])), None) for output in outputs.values()}
    assert referenced >= TABLES
    assert "ApiUrl" in outputs


def test_alarms_watch_5xx_function_errors_throttles_the_authorizer_and_dynamodb():
    alarms = resources_of_type("AWS::CloudWatch::Alarm")
    watched = set()
    for alarm in alarms.values():
        properties = alarm["Properties"]
        assert properties["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        metrics = [properties] + [
            query.get("MetricStat", {}).get("Metric", {}) for query in properties.get("Metrics", [])
        ]
        watched |= {(metric["Namespace"], metric.get("MetricName")) for metric in metrics if metric.get("Namespace")}
        for reference in _references(properties) - {"AlarmTopic", "AWS::Region"}:
            assert reference in raw_template()["Resources"], reference
    assert {
        ("AWS/ApiGateway", "5xx"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("Boxoffice", "TokensRejected"),
        ("AWS/DynamoDB", "WriteThrottleEvents"),
    } <= watched
    assert resources_of_type("AWS::CloudWatch::Dashboard")


def test_the_function_alarms_read_lambdas_account_level_metrics_and_the_dashboard_names_the_function():
    """Two alarms watch every function (issue 27: alarms are billed by the metric); a dimensionless
    AWS/Lambda metric is the sum over every function, and the dashboard breaks it down by function."""
    alarms = resources_of_type("AWS::CloudWatch::Alarm")
    errors = {query["Id"]: query for query in alarms["FunctionErrorsAlarm"]["Properties"]["Metrics"]}
    assert errors["errors"]["MetricStat"]["Metric"] == {"Namespace": "AWS/Lambda", "MetricName": "Errors"}
    assert errors["rejected"]["MetricStat"]["Metric"] == {"Namespace": "Boxoffice", "MetricName": "TokensRejected"}
    assert errors["failures"]["Expression"] == "MAX([0, FILL(errors, 0) - FILL(rejected, 0)])"
    throttles = alarms["FunctionThrottlesAlarm"]["Properties"]
    assert (throttles["Namespace"], throttles["MetricName"], throttles.get("Dimensions")) == (
        "AWS/Lambda",
        "Throttles",
        None,
    )
    body = resources_of_type("AWS::CloudWatch::Dashboard")["BookingDashboard"]["Properties"]["DashboardBody"]
    widgets = json.loads(re.sub(r"\$\{[^}]+\}", "x", body["Fn::Sub"]))["widgets"]
    expressions = {
        widget["properties"]["title"]: query["expression"]
        for widget in widgets
        for query in widget["properties"]["metrics"][0]
        if isinstance(query, dict) and "expression" in query
    }
    for metric in ("Errors", "Throttles"):
        search = expressions[f"Function {metric.lower()} by function"]
        assert search.startswith(f'SEARCH(\'{{AWS/Lambda,FunctionName}} MetricName="{metric}" '), search


def test_every_route_is_behind_the_token_authorizer_unless_it_is_public_and_its_answer_is_cached_per_token():
    """The authorizer's answer says who is calling, the same for every route: it is cached per token (the
    Authorization header, nothing else) for AuthorizerCacheSeconds, and each route's permissions are checked
    by its function (boxoffice.http, tested by the permission matrix)."""
    from boxoffice import permissions

    api = raw_template()["Resources"]["HttpApi"]["Properties"]
    authorizer = api["Auth"]["Authorizers"]["TokenAuthorizer"]
    assert api["Auth"]["DefaultAuthorizer"] == "TokenAuthorizer"
    cache = {"Ref": "AuthorizerCacheSeconds"}
    assert authorizer["Identity"] == {"Headers": ["Authorization"], "ReauthorizeEvery": cache}
    assert authorizer["EnableSimpleResponses"] is True and authorizer["AuthorizerPayloadFormatVersion"] == "2.0"
    for name, function in FUNCTIONS.items():
        for event in (function["Properties"].get("Events") or {}).values():
            if event["Type"] != "HttpApi":
                continue
            route = f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}"
            chosen = (event["Properties"].get("Auth") or {}).get("Authorizer", "TokenAuthorizer")
            expected = "NONE" if permissions.is_public(route) else "TokenAuthorizer"
            assert chosen == expected, f"{name}: {route} is behind {chosen}, should be {expected}"
    edge = FUNCTIONS["AuthorizerFunction"]["Properties"]
    assert edge["MemorySize"] == 128 and edge["LoggingConfig"]["LogFormat"] == "JSON"
