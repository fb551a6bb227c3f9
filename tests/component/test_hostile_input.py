"""Every class of hostile input, sent to every route of the template, as every identity.

Each answer must be a 4xx in the shared error shape, and nothing may change
in any table (the rate-limit counters aside: counting refusals is their job).
The routes, their parameters and their body fields come from the template's
sample events and docs/openapi.json, so a new route is covered without a
line here.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from local.inprocess import ADMIN_CONTEXT, sample_event
from tests.component.catalog_helpers import Catalog
from tools.factories import customer_context
from tools.generate_events import EVENTS_DIR

OPENAPI = json.loads((EVENTS_DIR.parents[1] / "docs" / "openapi.json").read_text())
CUSTOMER_CONTEXT = customer_context("hostile", new_account=True)
IDENTITIES = {"admin": ADMIN_CONTEXT, "customer": CUSTOMER_CONTEXT, "anonymous": None}
# Tables whose changes are the point of a refusal: counters of attempts, not data.
COUNTER_TABLES = {"RateLimitsTable"}


def _api_functions() -> list[tuple[str, str]]:
    found = []
    for path in sorted(EVENTS_DIR.glob("*.json")):
        event = json.loads(path.read_text())
        if "routeKey" in event and event.get("type") != "REQUEST":
            found.append((path.stem, event["routeKey"]))
    return found


API_FUNCTIONS = _api_functions()


def _operation(route_key: str) -> dict[str, Any]:
    method, path = route_key.split(" ", 1)
    return OPENAPI["paths"][path][method.lower()]


def _schema(reference: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in reference:
        return OPENAPI["components"]["schemas"][reference["$ref"].rsplit("/", 1)[1]]
    return reference


def body_fields(route_key: str) -> list[str]:
    body = _operation(route_key).get("requestBody")
    if not body:
        return []
    schema = _schema(body["content"]["application/json"]["schema"])
    return sorted(schema.get("properties", {}))


def query_names(route_key: str) -> list[str]:
    parameters = _operation(route_key).get("parameters", [])
    return [parameter["name"] for parameter in parameters if parameter["in"] == "query"]


def path_names(route_key: str) -> list[str]:
    return [part[1:-1] for part in route_key.split(" ", 1)[1].split("/") if part.startswith("{")]


DEEP_ARRAY = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000
HUGE_INTEGER = "9" * 5000
LONG_TEXT = "x" * 20_000
# (null is left out: on an update it means "leave as it is", a valid request)
WRONG_TYPES: list[Any] = [True, [[1]], {"$ne": ""}, -1, 1e308, "\u0000", "\ud800"]
FORGED_CURSORS = [
    "!!!",
    "a" * 5000,
    base64.urlsafe_b64encode(b"[1,2]").decode(),
    base64.urlsafe_b64encode(json.dumps({"x": {"S": "1"}}).encode()).decode(),
]
HOSTILE_IDS = ["x" * 3000, "../../etc", "a b\u0000", "ü" * 40, "0" * 65]


def hostile_query_values(name: str) -> list[str]:
    """Values no parameter of this name accepts (a name search for "-1" is a fair question, a limit of -1 is not)."""
    if name == "limit":
        return ["-1", "1" * 400, "0x10", "nan", "[]"]
    if name.endswith("_id"):
        return ["\u0000", "../x", "a b", "x" * 300, "[]"]
    if name in ("from", "to"):
        return ["yesterday", "9" * 400, "2026-13-45T99:99:99Z"]
    if name == "status":
        return ["paid", "NONE", "\u0000"]
    return []


def hostile_requests(route_key: str, real_ids: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """(class, request parts) for one route: every class of hostile input that applies to it."""
    fields = body_fields(route_key) or ["name"]
    paths = {name: real_ids.get(name, "unknown") for name in path_names(route_key)}
    requests: list[tuple[str, dict[str, Any]]] = [
        ("deep nesting", {"raw_body": DEEP_ARRAY}),
        ("deep nesting", {"raw_body": DEEP_OBJECT}),
        ("deep nesting", {"raw_body": json.dumps({fields[0]: json.loads("[" * 30 + "]" * 30)})}),
        ("huge number", {"raw_body": "{" + ",".join(f'"{name}": {HUGE_INTEGER}' for name in fields) + "}"}),
        ("huge number", {"raw_body": HUGE_INTEGER}),
        ("huge number", {"raw_body": json.dumps({fields[0]: 1}).replace("1", "1e99999")}),
        ("huge number", {"raw_body": json.dumps({fields[0]: 1}).replace("1", "NaN")}),
        ("long string", {"raw_body": json.dumps({name: LONG_TEXT for name in fields})}),
        ("long array", {"raw_body": json.dumps({name: [1] * 5000 for name in fields})}),
        ("huge body", {"raw_body": json.dumps({"x": "y" * 70_000})}),
        ("not JSON", {"raw_body": "{'a': 1"}),
        ("not JSON", {"raw_body": "\x00\x01"}),
        ("not UTF-8", {"raw_body": base64.b64encode(b'{"a": "\xff\xfe"}').decode(), "base64": True}),
        ("wrong content type", {"raw_body": "{}", "content_type": "text/plain"}),
        ("wrong content type", {"raw_body": "<a/>", "content_type": "application/xml"}),
    ]
    requests += [
        ("wrong type", {"raw_body": json.dumps({name: value for name in fields})})
        for value in WRONG_TYPES
        if value != "\ud800"
    ]
    requests.append(("wrong type", {"raw_body": json.dumps({fields[0]: "\ud800"})}))
    requests.append(("wrong type", {"raw_body": json.dumps([{name: "x" for name in fields}])}))
    for name in query_names(route_key):
        for value in [LONG_TEXT[:5000], *hostile_query_values(name)]:
            requests.append(("query", {"query": {name: value}}))
        requests.append(("query", {"query": {name: "a", "no_such_parameter": "1"}}))
        if name == "cursor":
            for cursor in FORGED_CURSORS:
                requests.append(("forged cursor", {"query": {"cursor": cursor}}))
    for name in paths:
        for value in HOSTILE_IDS:
            requests.append(("path", {"path": {**paths, name: value}}))
    if route_key.startswith(("POST /orders", "POST /orders/{order_id}/payment")):
        for key in ["x" * 5000, "short", "\u0000" * 10, "ü" * 20]:
            requests.append(("header", {"headers": {"idempotency-key": key}}))
    for request in requests:
        request[1].setdefault("path", paths)
    return requests


def _event(logical_id: str, parts: dict[str, Any], identity: dict[str, str] | None) -> dict[str, Any]:
    event = sample_event(logical_id)
    raw_path = event["routeKey"].split(" ", 1)[1]
    for name, value in (parts.get("path") or {}).items():
        raw_path = raw_path.replace("{" + name + "}", value)
    query = parts.get("query") or {}
    event.update(
        rawPath=raw_path,
        pathParameters=parts.get("path") or None,
        body=parts.get("raw_body"),
        isBase64Encoded=bool(parts.get("base64")),
        queryStringParameters=query or None,
        rawQueryString="&".join(f"{key}={value}" for key, value in query.items()),
    )
    event["headers"]["content-type"] = parts.get("content_type", "application/json")
    event["headers"].update(parts.get("headers") or {})
    event["requestContext"]["http"]["path"] = raw_path
    if identity is None:
        event["requestContext"].pop("authorizer", None)
    else:
        event["requestContext"]["authorizer"]["lambda"] = identity
    return event


def snapshot(aws: Any) -> dict[str, list[Any]]:
    tables = {}
    for logical_id, name in aws.tables.items():
        if logical_id in COUNTER_TABLES:
            continue
        items = aws.dynamodb.scan(TableName=name)["Items"]
        tables[logical_id] = sorted(json.dumps(item, sort_keys=True) for item in items)
    return tables


@pytest.fixture
def real_ids(stack, accounts) -> dict[str, str]:
    """A little of everything, so path parameters also name things that exist."""
    admin = accounts.admin()
    catalog = Catalog(stack, admin.token)
    screening = catalog.screening()
    member = catalog.member()
    subscription = stack.api.post(
        "/subscriptions",
        {"member_id": member["member_id"], "movie_id": screening["movie_id"], "date": "2026-01-01"},
        token=admin.token,
    )
    order = stack.api.post("/orders", {"screening_id": screening["screening_id"], "chairs": ["A-1"]}, token=admin.token)
    assert order.status == 201, order
    return {
        "movie_id": screening["movie_id"],
        "hall_id": screening["hall_id"],
        "screening_id": screening["screening_id"],
        "member_id": member["member_id"],
        "subscription_id": subscription.body["subscription_id"],
        "order_id": order.body["order_id"],
        "user_id": admin.user_id,
    }


@pytest.mark.parametrize(("logical_id", "route_key"), API_FUNCTIONS, ids=[name for name, _ in API_FUNCTIONS])
def test_every_hostile_request_gets_a_4xx_in_the_error_shape_and_changes_nothing(
    stack, aws, real_ids, logical_id, route_key
):
    before = snapshot(aws)
    sent, refused, wrong = 0, 0, []
    for kind, parts in hostile_requests(route_key, real_ids):
        for who, identity in IDENTITIES.items():
            answer = stack.invoke(logical_id, _event(logical_id, parts, identity))
            sent += 1
            status = answer["statusCode"]
            try:
                body = json.loads(answer.get("body") or "")
            except ValueError:
                body = None
            shaped = isinstance(body, dict) and {"code", "message", "details"} <= set(body)
            if 400 <= status < 500 and shaped:
                refused += 1
            else:
                wrong.append((kind, who, {k: (str(v)[:80]) for k, v in parts.items()}, status, str(body)[:200]))
    assert not wrong, f"{len(wrong)} of {sent} not refused with a 4xx: {wrong[:5]}"
    assert snapshot(aws) == before
    print(f"{route_key}: {sent} hostile requests, {refused} refused with a 4xx")


def test_every_class_is_tried_on_every_route():
    for _, route_key in API_FUNCTIONS:
        kinds = {kind for kind, _ in hostile_requests(route_key, {})}
        assert {"deep nesting", "huge number", "long string", "wrong type", "huge body", "wrong content type"} <= kinds
        if "cursor" in query_names(route_key):
            assert "forged cursor" in kinds
