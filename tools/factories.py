"""The one set of factories the tests, the benchmarks and the load tools share: who calls, and what is booked.

- authorizer contexts: a customer (established, or new: see the limits across accounts), staff, a manager;
- valid request bodies of the catalog: a movie, a hall (rows A, B, ..., Z, AA, ...), a screening;
- `make_screening`: movie, hall and screening made through the functions, however the caller invokes them.

Nothing here imports the layer, so the generators under tools/ can use it before the layer is on the path.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

# boxoffice.permissions.DEFAULT_CUSTOMER_PERMISSIONS, space-separated as an authorizer context carries them
# (tests/unit/test_factories.py keeps the two equal).
CUSTOMER_PERMISSIONS = "movies:view orders:create screenings:view"
STAFF_PERMISSIONS = "members:view orders:create orders:manage orders:view-all screenings:view"
MANAGER_PERMISSIONS = "movies:create screenings:manage"
DOOR_PERMISSIONS = "tickets:check-in"
_numbers = itertools.count(1)


def customer_context(name: str | None = None, *, new_account: bool = False) -> dict[str, str]:
    """An authorizer context of a customer: an established account unless `new_account` (limited as new)."""
    number = next(_numbers)
    return {
        "sub": f"customer-{name or number}",
        "username": name or f"customer{number}",
        "permissions": CUSTOMER_PERMISSIONS,
        **({} if new_account else {"created": "0"}),
    }


def staff_context(name: str = "boxoffice", permissions: str = STAFF_PERMISSIONS) -> dict[str, str]:
    return {"sub": f"staff-{name}", "username": name, "permissions": permissions}


def staff_body(username: str, permissions: list[str], **changes: Any) -> dict[str, Any]:
    """What an administrator sends to POST /users."""
    return {
        "username": username,
        "first_name": username.title(),
        "last_name": "Staff",
        "email": f"{username}@example.com",
        "session_timeout_minutes": 30,
        "permissions": permissions,
        **changes,
    }


def row_label(index: int) -> str:
    """A, B, ..., Z, AA, AB, ...: the label of the `index`-th row (from 0)."""
    label, index = "", index + 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = chr(65 + remainder) + label
    return label


def movie_body(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Metropolis",
        "genres": ["Drama", "sci-fi"],
        "premiered": "1927-01-10",
        "runtime_minutes": 153,
        "image_url": "https://example.com/metropolis.jpg",
        "description": "A city of the future.",
        **changes,
    }


def hall_body(rows: int = 3, seats: int = 10, *, premium_row: str | None = None, **changes: Any) -> dict[str, Any]:
    layout = [{"label": row_label(index), "seats": seats} for index in range(rows)]
    for row in layout:
        if row["label"] == premium_row:
            row["price_class"] = "premium"
    return {"name": "Hall One", "rows": layout, **changes}


def screening_body(movie_id: str, hall_id: str, starts_at: str, **changes: Any) -> dict[str, Any]:
    return {
        "movie_id": movie_id,
        "hall_id": hall_id,
        "starts_at": starts_at,
        "price_cents": 1200,
        "currency": "EUR",
        **changes,
    }


def make_screening(
    create: Callable[[str, dict[str, Any]], dict[str, Any]],
    *,
    starts_at: str,
    rows: int = 2,
    seats: int = 5,
    premium_row: str | None = None,
    **screening_changes: Any,
) -> str:
    """A movie, a hall of `rows` x `seats` and a screening of it, each made by `create(function, body)`
    (which answers the created resource); the screening's id."""
    optional = ("image_url", "description")
    movie_fields = movie_body(name="Sunrise", genres=["drama"], premiered="1927-09-23", runtime_minutes=94)
    movie = create("CreateMovieFunction", {key: value for key, value in movie_fields.items() if key not in optional})
    hall = create("CreateHallFunction", hall_body(rows, seats, premium_row=premium_row, name="Small"))
    screening = create(
        "CreateScreeningFunction", screening_body(movie["movie_id"], hall["hall_id"], starts_at, **screening_changes)
    )
    return str(screening["screening_id"])
