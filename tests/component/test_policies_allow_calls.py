"""What a function asks of DynamoDB, its IAM policy allows. moto does not enforce IAM, so a call the policy does
not name passes every other test and is refused only in AWS: here each call of a run is checked against the
function's statements in the template (its table, its index, its action)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from local.template import resources_of_type
from tests.component.catalog_helpers import Catalog

FUNCTIONS = resources_of_type("AWS::Serverless::Function")
TRANSACTION_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


def _granted(logical_id: str) -> set[tuple[str, str]]:
    """(resource, action) the function's statements allow: resource is a table's logical id, or `Table/index/x`."""
    granted = set()
    for policy in FUNCTIONS[logical_id]["Properties"].get("Policies", []):
        for statement in policy["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            for resource in resources:
                if isinstance(resource, dict) and "Fn::GetAtt" in resource:
                    target = resource["Fn::GetAtt"]
                    name = target[0] if isinstance(target, list) else target.split(".")[0]
                elif isinstance(resource, dict) and "Fn::Sub" in resource:
                    found = re.fullmatch(r"\$\{(\w+)\.Arn\}(/index/\w+)?", resource["Fn::Sub"])
                    name = f"{found.group(1)}{found.group(2) or ''}" if found else str(resource)
                else:
                    name = str(resource)
                granted |= {(name, action.removeprefix("dynamodb:")) for action in actions}
    return granted


def _asked(log: list[tuple[str, str, dict[str, Any]]], tables: dict[str, str]) -> set[tuple[str, str]]:
    """(resource, action) of every DynamoDB call in the log, as IAM judges them (a transaction by its items)."""
    logical = {physical: name for name, physical in tables.items()}
    asked = set()
    for service, operation, params in log:
        if service != "dynamodb":
            continue
        if operation == "TransactWriteItems":
            for item in params["TransactItems"]:
                ((kind, body),) = item.items()
                asked.add((logical[body["TableName"]], TRANSACTION_ACTIONS[kind]))
        elif operation in ("BatchGetItem", "BatchWriteItem"):
            asked |= {(logical[table], operation) for table in params["RequestItems"]}
        else:
            index = f"/index/{params['IndexName']}" if params.get("IndexName") else ""
            asked.add((logical[params["TableName"]] + index, operation))
    return asked


@pytest.mark.parametrize(
    ("function", "kind"),
    [
        ("DeleteMovieFunction", "movie"),
        ("DeleteMemberFunction", "member"),
        ("DeleteHallFunction", "hall"),
        ("DeleteSubscriptionFunction", "subscription"),
        ("DeleteVenueFunction", "venue"),
    ],
)
def test_a_delete_by_a_person_asks_only_what_its_policy_allows(stack, aws, accounts, aws_calls, function, kind):
    """A person's delete first stamps who is deleting (the *Deleted event's and the audit entry's actor): an
    UpdateItem its policy must allow, or AWS refuses it and the stamp is silently lost."""
    admin = accounts.admin()
    catalog = Catalog(stack, admin.token)
    made = {
        "movie": lambda: ("/movies", catalog.movie()["movie_id"]),
        "member": lambda: ("/members", catalog.member()["member_id"]),
        "hall": lambda: ("/halls", catalog.hall()["hall_id"]),
        "subscription": lambda: (
            "/subscriptions",
            catalog._create(
                "/subscriptions",
                {"member_id": catalog.member()["member_id"], "movie_id": catalog.movie()["movie_id"],
                 "date": "2027-01-01"},
            )["subscription_id"],
        ),
        "venue": lambda: (
            "/venues",
            catalog._create(
                "/venues",
                {"name": "Gone", "timezone": "UTC", "currency": "EUR", "default_tax_code": "s",
                 "tax_rates": [{"code": "s", "name": "S", "percent": 0}]},
            )["venue_id"],
        ),
    }  # fmt: skip
    path, item_id = made[kind]()
    aws_calls.reset()
    answer = stack.api.delete(f"{path}/{item_id}", token=admin.token)
    assert answer.status == 204, answer
    ours = [entry for entry in aws_calls.log if entry[2].get("TableName") != aws.tables["UsersTable"]]
    not_allowed = _asked(ours, aws.tables) - _granted(function)
    assert not not_allowed, f"{function} asks what its policy does not allow: {sorted(not_allowed)}"
    assert "UpdateItem" in {operation for _, operation, _ in ours}, "the deleter is stamped first"
