"""Cursors: a real one continues its list; an edited, forged or borrowed one is a 422 INVALID_CURSOR.

And a filtered page is never empty while more items match: a client asking
for N gets up to N, and an empty page means there are no more.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.component.catalog_helpers import Catalog


def decode(cursor: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


def encode(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def mutations(key: dict[str, Any], partition: str) -> list[tuple[str, Any]]:
    """Every way to edit one attribute of a real start key, and the key as a whole.

    (Another value of a sort or table key only moves the start within the caller's own list: allowed.)
    """
    edited: list[tuple[str, Any]] = []
    for name, value in key.items():
        kind, text = next(iter(value.items()))
        other = "N" if kind == "S" else "S"
        for label, replacement in [
            ("type", {other: text if other == "S" else "12"}),
            ("binary", {"B": "AAAA"}),
            ("null", {"NULL": True}),
            ("empty", {kind: ""}),
            ("oversized", {kind: "x" * 1100 if kind == "S" else "9" * 60}),
            ("not a string", {kind: 12}),
            ("two types", {kind: text, other: "1"}),
            ("list", [text]),
            ("control", {kind: "a\u0000"}),
        ] + ([("number syntax", {kind: "1e400"}), ("not a number", {kind: "x"})] if kind == "N" else []):
            edited.append((f"{name}: {label}", {**key, name: replacement}))
        if name == partition:
            edited.append((f"{name}: another partition", {**key, name: {kind: "someone-else"}}))
        edited.append((f"{name}: missing", {k: v for k, v in key.items() if k != name}))
    edited.append(("extra attribute", {**key, "extra": {"S": "x"}}))
    edited.append(("not an object", list(key)))
    return edited


@pytest.fixture
def world(stack, accounts) -> dict[str, Any]:
    admin = accounts.admin()
    catalog = Catalog(stack, admin.token)
    movie = catalog.movie()
    catalog.movie(name="Nosferatu")
    hall = catalog.hall(rows=3, seats=10)
    catalog.hall(name="Hall Two")
    member = catalog.member()
    catalog.member(name="Zoe")
    first = catalog.screening(movie["movie_id"], hall["hall_id"], hours_from_now=48)
    catalog.screening(movie["movie_id"], hall["hall_id"], hours_from_now=72)
    for date in ("2026-01-01", "2026-01-02"):
        answer = stack.api.post(
            "/subscriptions",
            {"member_id": member["member_id"], "movie_id": movie["movie_id"], "date": date},
            token=admin.token,
        )
        assert answer.status == 201, answer
    customer, other = accounts.customer(), accounts.customer()
    for user, chairs in ((customer, ["A-1"]), (customer, ["A-2"]), (other, ["B-1"]), (other, ["B-2"])):
        answer = stack.api.post("/orders", {"screening_id": first["screening_id"], "chairs": chairs}, token=user.token)
        assert answer.status == 201, answer
    return {"admin": admin, "customer": customer, "other": other, "screening": first, "member": member, "movie": movie}


def list_requests(world: dict[str, Any]) -> dict[str, tuple[str, dict[str, str], Any]]:
    screening_id = world["screening"]["screening_id"]
    admin = world["admin"].token
    return {  # path, query, token, the attribute naming the partition the list reads
        "movies": ("/movies", {}, admin, "kind"),
        "members": ("/members", {}, admin, "kind"),
        "halls": ("/halls", {}, admin, "kind"),
        "screenings": ("/screenings", {}, admin, "kind"),
        "screenings of a movie": ("/screenings", {"movie_id": world["movie"]["movie_id"]}, admin, "movie_id"),
        "subscriptions": ("/subscriptions", {"member_id": world["member"]["member_id"]}, admin, "member_id"),
        "chairs": (f"/screenings/{screening_id}/chairs", {}, admin, "screening_id"),
        "orders of a screening": ("/orders", {"screening_id": screening_id}, admin, "screening_id"),
        "own orders": ("/orders", {}, world["customer"].token, "user_id"),
        "users": ("/users", {}, admin, "kind"),
    }


LISTS = [
    "movies",
    "members",
    "halls",
    "screenings",
    "screenings of a movie",
    "subscriptions",
    "chairs",
    "orders of a screening",
    "own orders",
    "users",
]


@pytest.mark.parametrize("name", LISTS)
def test_a_real_cursor_continues_and_every_edit_of_it_is_refused(stack, world, name):
    path, query, token, partition = list_requests(world)[name]
    first = stack.api.get(path, query={**query, "limit": 1}, token=token)
    assert first.status == 200, first
    cursor = first.body["next_cursor"]
    assert cursor, f"{name}: a first page of one item has a cursor"
    second = stack.api.get(path, query={**query, "limit": 1, "cursor": cursor}, token=token)
    assert second.status == 200 and second.body["items"] and second.body["items"] != first.body["items"]
    refused = 0
    assert partition in decode(cursor)
    for label, key in mutations(decode(cursor), partition):
        answer = stack.api.get(path, query={**query, "limit": 1, "cursor": encode(key)}, token=token)
        assert answer.status == 422, (name, label, answer)
        assert answer.body["code"] == "INVALID_CURSOR", (name, label, answer)
        refused += 1
    assert refused > 10


def test_a_cursor_of_another_users_orders_is_refused(stack, world):
    mine = stack.api.get("/orders", query={"limit": 1}, token=world["other"].token)
    assert mine.body["next_cursor"]
    borrowed = stack.api.get(
        "/orders", query={"limit": 1, "cursor": mine.body["next_cursor"]}, token=world["customer"].token
    )
    assert borrowed.status == 422 and borrowed.body["code"] == "INVALID_CURSOR"


def test_a_cursor_outside_the_querys_time_window_is_refused(stack, world):
    admin = world["admin"].token
    everything = stack.api.get("/screenings", query={"limit": 1}, token=admin)
    key = decode(everything.body["next_cursor"])
    key["starts_at"] = {"N": "1"}  # before the window the list reads (from now on)
    answer = stack.api.get("/screenings", query={"limit": 1, "cursor": encode(key)}, token=admin)
    assert answer.status == 422 and answer.body["code"] == "INVALID_CURSOR"


def test_a_filtered_seat_map_page_holds_the_chairs_asked_for(stack, accounts):
    admin = accounts.admin()
    catalog = Catalog(stack, admin.token)
    hall = catalog.hall(rows=10, seats=30)
    screening = catalog.screening(hall_id=hall["hall_id"])
    path = f"/screenings/{screening['screening_id']}/chairs"
    # Hold the first 9 rows' chairs in holds of 10: only row J is free.
    rows = "ABCDEFGHI"
    for row in rows:
        for start in (1, 11, 21):
            answer = stack.api.post(
                "/orders",
                {"screening_id": screening["screening_id"], "chairs": [f"{row}-{n}" for n in range(start, start + 10)]},
                token=admin.token,
            )
            assert answer.status == 201, answer
    seen: list[str] = []
    cursor = None
    while True:
        query = {"status": "AVAILABLE", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = stack.api.get(path, query=query, token=admin.token)
        assert page.status == 200, page
        items = [chair["chair_id"] for chair in page.body["items"]]
        cursor = page.body["next_cursor"]
        if not items:
            assert cursor is None, "an empty page means there are no more"
            break
        assert len(items) == 2 or cursor is None, "a page holds what was asked for while more match"
        seen += items
        if cursor is None:
            break
    assert sorted(seen) == sorted(f"J-{n}" for n in range(1, 31))
    assert len(seen) == len(set(seen))
