"""Who may do what: the permission names, what each implies, and what every route needs.

Each route says what it needs where it is declared (its function module);
`ROUTES`, the whole table, is generated from those declarations into
routes.json beside this module (a test fails when it is stale) for the tests
and the template's checks; at run time each function checks its own route's
declaration (boxoffice.http), since the authorizer only says who is calling.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

MOVIES_VIEW, MOVIES_CREATE, MOVIES_UPDATE, MOVIES_DELETE = (
    "movies:view",
    "movies:create",
    "movies:update",
    "movies:delete",
)
MEMBERS_VIEW, MEMBERS_CREATE, MEMBERS_UPDATE, MEMBERS_DELETE = (
    "members:view",
    "members:create",
    "members:update",
    "members:delete",
)
SUBSCRIPTIONS_VIEW, SUBSCRIPTIONS_CREATE, SUBSCRIPTIONS_DELETE = (
    "subscriptions:view",
    "subscriptions:create",
    "subscriptions:delete",
)
SCREENINGS_VIEW, SCREENINGS_MANAGE = "screenings:view", "screenings:manage"
ORDERS_CREATE, ORDERS_VIEW_ALL, ORDERS_MANAGE = "orders:create", "orders:view-all", "orders:manage"
USERS_MANAGE = "users:manage"
TICKETS_CHECK_IN = "tickets:check-in"  # door staff: admit ticket holders
REPORTS_VIEW = "reports:view"  # sales and occupancy reports
AUDIT_VIEW = "audit:view"  # the audit log
WEBHOOKS_MANAGE = "webhooks:manage"  # webhook subscriptions (their signing secrets)
VENUES_MANAGE = "venues:manage"  # venues: time zone, business day, currency, tax rates

ALL_PERMISSIONS: frozenset[str] = frozenset(
    {
        MOVIES_VIEW,
        MOVIES_CREATE,
        MOVIES_UPDATE,
        MOVIES_DELETE,
        MEMBERS_VIEW,
        MEMBERS_CREATE,
        MEMBERS_UPDATE,
        MEMBERS_DELETE,
        SUBSCRIPTIONS_VIEW,
        SUBSCRIPTIONS_CREATE,
        SUBSCRIPTIONS_DELETE,
        SCREENINGS_VIEW,
        SCREENINGS_MANAGE,
        ORDERS_CREATE,
        ORDERS_VIEW_ALL,
        ORDERS_MANAGE,
        USERS_MANAGE,
        TICKETS_CHECK_IN,
        REPORTS_VIEW,
        AUDIT_VIEW,
        WEBHOOKS_MANAGE,
        VENUES_MANAGE,
    }
)

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

# What a route needs: PUBLIC, AUTHENTICATED, or a set of permissions any one of which allows it.
Needs = frozenset[str] | str
# How a route declares it (boxoffice.http.Router): those, one permission, or several.
Declared = str | tuple[str, ...] | list[str] | frozenset[str]


def needs(declared: Declared) -> Needs:
    """A route's declaration made canonical; an unknown permission is an error at import, never an open route."""
    if declared in (PUBLIC, AUTHENTICATED):
        return str(declared)
    names = frozenset([declared] if isinstance(declared, str) else declared)
    unknown = sorted(names - ALL_PERMISSIONS)
    if unknown or not names:
        raise ValueError(f"not permissions: {unknown or 'none given'}")
    return names


def _load_routes() -> dict[str, Needs]:
    """The route table, generated from the functions' own route declarations (`make generated`)."""
    path = Path(__file__).parent / "routes.json"
    table = json.loads(path.read_text()) if path.exists() else {}  # none yet: every route closed
    return {
        route: needs(declared if isinstance(declared, str) else tuple(declared)) for route, declared in table.items()
    }


# route key (as API Gateway writes $context.routeKey) -> what it needs
ROUTES: dict[str, Needs] = _load_routes()


def satisfied(required: Needs, permissions: Iterable[str]) -> bool:
    """Whether a caller holding `permissions` (already authenticated) meets what a route needs."""
    if isinstance(required, str):
        return required in (PUBLIC, AUTHENTICATED)
    return bool(required & expand(permissions))


def expand(permissions: Iterable[str]) -> frozenset[str]:
    """The permissions plus everything they imply; unknown names are dropped."""
    granted = {permission for permission in permissions if permission in ALL_PERMISSIONS}
    for permission in list(granted):
        granted |= IMPLIES.get(permission, frozenset())
    return frozenset(granted)


def is_public(route_key: str) -> bool:
    return ROUTES.get(route_key) == PUBLIC
