"""Every route of the template x a user with exactly its permission, without it, and with only an implied one."""

from __future__ import annotations

import re

import pytest

from boxoffice import permissions
from local.template import resources_of_type


def template_routes() -> list[str]:
    routes = []
    for resource in resources_of_type("AWS::Serverless::Function").values():
        for event in (resource["Properties"].get("Events") or {}).values():
            if event["Type"] == "HttpApi":
                routes.append(f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}")
    return sorted(routes)


ROUTES = template_routes()
PROTECTED = [route for route in ROUTES if isinstance(permissions.ROUTES.get(route), frozenset)]


def test_every_template_route_has_an_entry_in_the_permission_table():
    assert not set(ROUTES) - set(permissions.ROUTES), f"missing: {sorted(set(ROUTES) - set(permissions.ROUTES))}"


def call(stack, route: str, token: str | None):
    method, path = route.split(" ", 1)
    path = re.sub(r"{\w+}", "x", path)
    body = {} if method in ("POST", "PUT") else None
    return stack.api.request(method, path, json_body=body, token=token)


def refused_by_the_gateway(answer) -> bool:
    return answer.status in (401, 403) and answer.body in ({"message": "Forbidden"}, {"message": "Unauthorized"})


def grants(route: str) -> frozenset[str]:
    """Every single permission that, alone, opens the route (directly or by implication)."""
    needed = permissions.ROUTES[route]
    return frozenset(name for name in permissions.ALL_PERMISSIONS if permissions.expand({name}) & needed)


@pytest.fixture
def users(accounts):
    """One staff account per single permission, one with none, made once per test."""
    made = {name: accounts.staff({name}) for name in sorted(permissions.ALL_PERMISSIONS)}
    made["nothing"] = accounts.staff(set())
    return made


def test_the_matrix(stack, users, accounts):
    failures = []
    for route in ROUTES:
        needed = permissions.ROUTES[route]
        if needed == permissions.PUBLIC:
            if refused_by_the_gateway(call(stack, route, None)):
                failures.append(f"{route}: public, but refused without a token")
            continue
        if not refused_by_the_gateway(call(stack, route, None)):
            failures.append(f"{route}: answered without a token")
        if needed == permissions.AUTHENTICATED:
            # A fresh session: some of these routes end the one they are called with (logout).
            if refused_by_the_gateway(call(stack, route, accounts.login(users["nothing"].username))):
                failures.append(f"{route}: refused a user with no permissions")
            continue
        for name, user in users.items():
            answer = call(stack, route, user.token)
            allowed = name in grants(route)
            if allowed and refused_by_the_gateway(answer):
                failures.append(f"{route}: refused {name}, which opens it")
            if not allowed and answer.status != 403:
                failures.append(f"{route}: {name} got {answer.status}, expected 403")
        everything_else = permissions.ALL_PERMISSIONS - grants(route)
        if everything_else:
            others = accounts.staff(everything_else)
            if call(stack, route, others.token).status != 403:
                failures.append(f"{route}: every other permission together still opens it")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("implier", "implied"),
    sorted((implier, implied) for implier, implieds in permissions.IMPLIES.items() for implied in implieds),
)
def test_creating_updating_or_deleting_implies_viewing(implier, implied):
    assert implied in permissions.expand({implier})
    assert implier not in permissions.expand({implied})


def test_only_users_manage_opens_the_user_admin_routes():
    for route in ROUTES:
        if route.startswith(("POST /users", "PUT /users", "DELETE /users", "GET /users")):
            assert grants(route) == {permissions.USERS_MANAGE}, route
