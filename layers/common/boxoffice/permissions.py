"""Who may do what: the permission names, what each implies, and what every route needs.

`ROUTES` is the single table both the authorizer and the handlers consult; a
test fails when a route of template.yaml has no entry here.
"""

from __future__ import annotations

from collections.abc import Iterable

MOVIES_VIEW, MOVIES_CREATE, MOVIES_UPDATE, MOVIES_DELETE = (
    "movies:view", "movies:create", "movies:update", "movies:delete",
)
MEMBERS_VIEW, MEMBERS_CREATE, MEMBERS_UPDATE, MEMBERS_DELETE = (
    "members:view", "members:create", "members:update", "members:delete",
)
SUBSCRIPTIONS_VIEW, SUBSCRIPTIONS_CREATE, SUBSCRIPTIONS_DELETE = (
    "subscriptions:view", "subscriptions:create", "subscriptions:delete",
)
SCREENINGS_VIEW, SCREENINGS_MANAGE = "screenings:view", "screenings:manage"
ORDERS_CREATE, ORDERS_VIEW_ALL, ORDERS_MANAGE = "orders:create", "orders:view-all", "orders:manage"
USERS_MANAGE = "users:manage"

ALL_PERMISSIONS: frozenset[str] = frozenset({
    MOVIES_VIEW, MOVIES_CREATE, MOVIES_UPDATE, MOVIES_DELETE,
    MEMBERS_VIEW, MEMBERS_CREATE, MEMBERS_UPDATE, MEMBERS_DELETE,
    SUBSCRIPTIONS_VIEW, SUBSCRIPTIONS_CREATE, SUBSCRIPTIONS_DELETE,
    SCREENINGS_VIEW, SCREENINGS_MANAGE,
    ORDERS_CREATE, ORDERS_VIEW_ALL, ORDERS_MANAGE,
    USERS_MANAGE,
})

DEFAULT_CUSTOMER_PERMISSIONS: frozenset[str] = frozenset({MOVIES_VIEW, SCREENINGS_VIEW, ORDERS_CREATE})

# Creating, updating or deleting something implies viewing it; managing every
# order implies seeing every order.
IMPLIES: dict[str, frozenset[str]] = {
    MOVIES_CREATE: frozenset({MOVIES_VIEW}),
    MOVIES_UPDATE: frozenset({MOVIES_VIEW}),
    MOVIES_DELETE: frozenset({MOVIES_VIEW}),
    MEMBERS_CREATE: frozenset({MEMBERS_VIEW}),
    MEMBERS_UPDATE: frozenset({MEMBERS_VIEW}),
    MEMBERS_DELETE: frozenset({MEMBERS_VIEW}),
    SUBSCRIPTIONS_CREATE: frozenset({SUBSCRIPTIONS_VIEW}),
    SUBSCRIPTIONS_DELETE: frozenset({SUBSCRIPTIONS_VIEW}),
    SCREENINGS_MANAGE: frozenset({SCREENINGS_VIEW}),
    ORDERS_MANAGE: frozenset({ORDERS_VIEW_ALL}),
}

PUBLIC = "public"
AUTHENTICATED = "authenticated"

# route key (as API Gateway writes $context.routeKey) -> the permissions any one of which allows it
ROUTES: dict[str, frozenset[str] | str] = {
    "POST /auth/register": PUBLIC,
    "POST /auth/signup": PUBLIC,
    "POST /auth/login": PUBLIC,
    "GET /.well-known/openid-configuration": PUBLIC,
    "GET /.well-known/jwks.json": PUBLIC,
    "GET /me": AUTHENTICATED,
    "GET /users": frozenset({USERS_MANAGE}),
    "POST /users": frozenset({USERS_MANAGE}),
    "GET /users/{user_id}": frozenset({USERS_MANAGE}),
    "PUT /users/{user_id}": frozenset({USERS_MANAGE}),
    "DELETE /users/{user_id}": frozenset({USERS_MANAGE}),
    "GET /movies": frozenset({MOVIES_VIEW}),
    "POST /movies": frozenset({MOVIES_CREATE}),
    "GET /movies/{movie_id}": frozenset({MOVIES_VIEW}),
    "PUT /movies/{movie_id}": frozenset({MOVIES_UPDATE}),
    "DELETE /movies/{movie_id}": frozenset({MOVIES_DELETE}),
    "GET /members": frozenset({MEMBERS_VIEW}),
    "POST /members": frozenset({MEMBERS_CREATE}),
    "GET /members/{member_id}": frozenset({MEMBERS_VIEW}),
    "PUT /members/{member_id}": frozenset({MEMBERS_UPDATE}),
    "DELETE /members/{member_id}": frozenset({MEMBERS_DELETE}),
    "GET /subscriptions": frozenset({SUBSCRIPTIONS_VIEW}),
    "POST /subscriptions": frozenset({SUBSCRIPTIONS_CREATE}),
    "DELETE /subscriptions/{subscription_id}": frozenset({SUBSCRIPTIONS_DELETE}),
    "GET /halls": frozenset({SCREENINGS_VIEW}),
    "POST /halls": frozenset({SCREENINGS_MANAGE}),
    "GET /halls/{hall_id}": frozenset({SCREENINGS_VIEW}),
    "GET /screenings": frozenset({SCREENINGS_VIEW}),
    "POST /screenings": frozenset({SCREENINGS_MANAGE}),
    "GET /screenings/{screening_id}": frozenset({SCREENINGS_VIEW}),
    "GET /screenings/{screening_id}/chairs": frozenset({SCREENINGS_VIEW}),
    "POST /screenings/{screening_id}/chairs": frozenset({SCREENINGS_MANAGE}),
    "POST /orders": frozenset({ORDERS_CREATE, ORDERS_MANAGE}),
    "GET /orders": frozenset({ORDERS_CREATE, ORDERS_VIEW_ALL}),
    "GET /orders/{order_id}": frozenset({ORDERS_CREATE, ORDERS_VIEW_ALL}),
    "DELETE /orders/{order_id}": frozenset({ORDERS_CREATE, ORDERS_MANAGE}),
    "POST /orders/{order_id}/payment": frozenset({ORDERS_CREATE, ORDERS_MANAGE}),
    "POST /orders/{order_id}/refund": frozenset({ORDERS_CREATE, ORDERS_MANAGE}),
}


def expand(permissions: Iterable[str]) -> frozenset[str]:
    """The permissions plus everything they imply; unknown names are dropped."""
    granted = {permission for permission in permissions if permission in ALL_PERMISSIONS}
    for permission in list(granted):
        granted |= IMPLIES.get(permission, frozenset())
    return frozenset(granted)


def allows(route_key: str, permissions: Iterable[str]) -> bool:
    """Whether a caller holding `permissions` (already authenticated) may call `route_key`."""
    needed = ROUTES.get(route_key)
    if needed is None:
        return False  # a route nobody listed is closed, never open
    if needed in (PUBLIC, AUTHENTICATED):
        return True
    return bool(needed & expand(permissions))


def is_public(route_key: str) -> bool:
    return ROUTES.get(route_key) == PUBLIC
