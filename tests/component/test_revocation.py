"""Revocation means what it says: a signed-out token, a changed password, a disabled account or a removed
permission is refused at the very next request on the routes that move money or change who may do what, even
while API Gateway answers from its cached authorization; on every other route, once AuthorizerCacheSeconds
have passed (the injectable clock moves time, never a sleep)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from boxoffice import permissions
from boxoffice.clock import clock
from local.inprocess import revocation_routes
from tests.harness import Accounts, StackUnderTest, TestUser


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict | None = None
    needs: str | None = None  # the permission the caller holds it by (None: any valid token)


MISSING = "missing-0000000000"
# Every route declared recheck_account, each with a request that passes authorization and then fails or succeeds
# on its own merits (an unknown id, an empty body): what matters is that it is not refused for who is calling.
IMMEDIATE = {
    "POST /users": Call("POST", "/users", {}, permissions.USERS_MANAGE),
    "PUT /users/{user_id}": Call("PUT", f"/users/{MISSING}", {"first_name": "X"}, permissions.USERS_MANAGE),
    "DELETE /users/{user_id}": Call("DELETE", f"/users/{MISSING}", None, permissions.USERS_MANAGE),
    "POST /users/{user_id}/reset": Call("POST", f"/users/{MISSING}/reset", None, permissions.USERS_MANAGE),
    "POST /me/password": Call("POST", "/me/password", {}),
    "POST /orders/{order_id}/refund": Call("POST", f"/orders/{MISSING}/refund", None, permissions.ORDERS_MANAGE),
    "POST /screenings/{screening_id}/cancel": Call(
        "POST", f"/screenings/{MISSING}/cancel", {"reason": "x"}, permissions.SCREENINGS_MANAGE
    ),
    "GET /box-office/till": Call("GET", "/box-office/till", None, permissions.ORDERS_MANAGE),
    "POST /webhooks": Call("POST", "/webhooks", {}, permissions.WEBHOOKS_MANAGE),
    "GET /webhooks": Call("GET", "/webhooks", None, permissions.WEBHOOKS_MANAGE),
    "DELETE /webhooks/{webhook_id}": Call("DELETE", f"/webhooks/{MISSING}", None, permissions.WEBHOOKS_MANAGE),
    "GET /webhooks/{webhook_id}/deliveries": Call(
        "GET", f"/webhooks/{MISSING}/deliveries", None, permissions.WEBHOOKS_MANAGE
    ),
    # Box office sales: staff holding orders:manage are judged anew; a customer's own hold and pay are not.
    "POST /orders": Call("POST", "/orders", {}, permissions.ORDERS_MANAGE),
    "POST /orders/{order_id}/payment": Call("POST", f"/orders/{MISSING}/payment", {}, permissions.ORDERS_MANAGE),
}
STAFF_PERMISSIONS = sorted({call.needs for call in IMMEDIATE.values() if call.needs})


def test_every_route_that_revokes_at_the_next_request_is_tested_here():
    """docs/openapi.json is made from the routes' declarations (and checked current by tests/unit/test_openapi.py)."""
    assert set(revocation_routes()) == set(IMMEDIATE)


def send(stack: StackUnderTest, user: TestUser, call: Call):
    return stack.api.request(call.method, call.path, json_body=call.body, token=user.token)


def disable(stack: StackUnderTest, admin: TestUser, user: TestUser, _call: Call) -> None:
    assert stack.api.put(f"/users/{user.user_id}", {"enabled": False}, token=admin.token).status == 200


def change_password(stack: StackUnderTest, _admin: TestUser, user: TestUser, _call: Call) -> None:
    body = {"current_password": user.password, "new_password": "another-long-password"}
    assert stack.api.post("/me/password", body, token=user.token).status == 204


def sign_out(stack: StackUnderTest, _admin: TestUser, user: TestUser, _call: Call) -> None:
    assert stack.api.post("/auth/logout", token=user.token).status == 204


def remove_permission(stack: StackUnderTest, admin: TestUser, user: TestUser, call: Call) -> None:
    kept = [name for name in STAFF_PERMISSIONS if name != call.needs]
    assert stack.api.put(f"/users/{user.user_id}", {"permissions": kept}, token=admin.token).status == 200


REVOCATIONS: dict[str, tuple[Callable[..., None], int]] = {
    "disabled": (disable, 401),
    "password changed": (change_password, 401),
    "signed out": (sign_out, 401),
    "permission removed": (remove_permission, 403),
}


@pytest.fixture
def staff_member(accounts: Accounts) -> tuple[TestUser, TestUser]:
    return accounts.admin(), accounts.staff(STAFF_PERMISSIONS)


def _warm(stack: StackUnderTest, user: TestUser, call: Call) -> None:
    answer = send(stack, user, call)
    assert answer.status not in (401, 403), f"{call.method} {call.path} refused before any revocation: {answer}"


@pytest.mark.parametrize("revocation", REVOCATIONS)
@pytest.mark.parametrize("route", IMMEDIATE)
def test_a_revoked_token_is_refused_at_the_next_request_on_routes_that_move_money_or_power(
    stack, staff_member, route, revocation
):
    call = IMMEDIATE[route]
    revoke, status = REVOCATIONS[revocation]
    if call.needs is None and revocation == "permission removed":
        pytest.skip("the route needs no permission, only a valid token")
    admin, user = staff_member
    _warm(stack, user, call)  # the token's authorization is now cached
    revoke(stack, admin, user, call)
    invocations = stack.service.authorizer_invocations
    refused = send(stack, user, call)
    assert refused.status == status, refused
    assert refused.body["code"] == ("UNAUTHORIZED" if status == 401 else "FORBIDDEN")
    assert stack.service.authorizer_invocations == invocations, "answered from the cached authorization"


@pytest.mark.parametrize("revocation", REVOCATIONS)
def test_on_other_routes_a_revoked_token_is_refused_once_the_cache_time_has_passed(stack, staff_member, revocation):
    """GET /users: it needs users:manage, and reads whose answers a cached authorization may still give."""
    admin, user = staff_member
    call = Call("GET", "/users", None, permissions.USERS_MANAGE)
    revoke, status = REVOCATIONS[revocation]
    _warm(stack, user, call)
    revoke(stack, admin, user, call)
    clock.advance(stack.service.authorizer_cache_seconds - 1)
    assert send(stack, user, call).status == 200, "within the cache time the cached answer may still serve"
    clock.advance(2)
    assert send(stack, user, call).status == status


def test_the_authorizer_cache_lasts_60_seconds_by_default(stack):
    assert stack.service.authorizer_cache_seconds == 60


def test_a_customers_own_hold_and_pay_never_read_the_account_again(stack, accounts, aws_calls):
    """The recheck must not touch the customer's booking: its hold and pay cost what they cost before."""
    from tests.component.catalog_helpers import screening_body

    admin = accounts.admin()
    movie = stack.api.post(
        "/movies", {"name": "M", "genres": [], "premiered": "2000-01-01", "runtime_minutes": 90}, token=admin.token
    )
    hall = stack.api.post("/halls", {"name": "H", "rows": [{"label": "A", "seats": 4}]}, token=admin.token)
    screening = stack.api.post(
        "/screenings", screening_body(movie.body["movie_id"], hall.body["hall_id"]), token=admin.token
    )
    customer = accounts.customer()
    aws_calls.reset()
    held = stack.api.post(
        "/orders", {"screening_id": screening.body["screening_id"], "chairs": ["A-1"]}, token=customer.token
    )
    assert held.status == 201, held
    paid = stack.api.post(
        f"/orders/{held.body['order_id']}/payment",
        {"confirmation_id": held.body["confirmation_id"], "payment_method": "tok_ok"},
        token=customer.token,
        headers={"Idempotency-Key": "revocation-test-key-1"},
    )
    assert paid.status == 200, paid
    account_reads = [
        params
        for service, operation, params in aws_calls.log
        if (service, operation) == ("dynamodb", "GetItem")
        and params.get("ConsistentRead")
        and "user_id" in params.get("Key", {})
    ]
    assert account_reads == [], "a customer's hold and pay read the account only through the cached authorizer"
