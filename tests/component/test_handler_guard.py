"""Every function checks the route's permission from the authorizer's context itself (defence in depth)."""

from __future__ import annotations

import json

import pytest

from boxoffice import permissions
from tools.generate_events import EVENTS_DIR

API_FUNCTIONS = sorted(
    path.stem
    for path in EVENTS_DIR.glob("*.json")
    if "routeKey" in json.loads(path.read_text()) and json.loads(path.read_text()).get("type") != "REQUEST"
)


def sample_event(logical_id: str, permission_names: str) -> dict:
    event = json.loads((EVENTS_DIR / f"{logical_id}.json").read_text())
    event["requestContext"]["authorizer"]["lambda"]["permissions"] = permission_names
    return event


@pytest.mark.parametrize("logical_id", API_FUNCTIONS)
def test_a_function_refuses_a_caller_whose_context_lacks_the_permission(stack, logical_id):
    event = sample_event(logical_id, "")
    needed = permissions.ROUTES[event["routeKey"]]
    answer = stack.invoke(logical_id, event)
    if isinstance(needed, frozenset):
        assert answer["statusCode"] == 403, answer
        assert json.loads(answer["body"])["code"] == "FORBIDDEN"
    else:
        assert answer["statusCode"] != 403, answer


@pytest.mark.parametrize("logical_id", API_FUNCTIONS)
def test_a_function_without_an_authorizer_context_answers_401_unless_public(stack, logical_id):
    event = sample_event(logical_id, "")
    del event["requestContext"]["authorizer"]
    answer = stack.invoke(logical_id, event)
    if permissions.is_public(event["routeKey"]):
        assert answer["statusCode"] not in (401, 403), answer
    else:
        assert answer["statusCode"] == 401, answer


def test_every_request_through_the_local_gateway_has_its_own_request_id(stack, monkeypatch):
    seen = []
    original = stack.runtime.invoke

    def recording(logical_id, event, *args, **kwargs):
        seen.append(event["requestContext"]["requestId"])
        return original(logical_id, event, *args, **kwargs)

    monkeypatch.setattr(stack.runtime, "invoke", recording)
    for _ in range(3):
        stack.api.get("/.well-known/jwks.json")
    assert len(seen) == 3 and len(set(seen)) == 3, "each request, and each log line's correlation id, its own"
