"""The same booking scenario against a deployed stack; runs only when BOXOFFICE_API_URL is set.

    BOXOFFICE_API_URL=https://abc.execute-api.eu-west-1.amazonaws.com \\
    BOXOFFICE_E2E_ADMIN=admin BOXOFFICE_E2E_ADMIN_PASSWORD=... make test PYTEST_ARGS="tests/e2e -n 0"
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

API = os.environ.get("BOXOFFICE_API_URL", "").rstrip("/")
ADMIN = os.environ.get("BOXOFFICE_E2E_ADMIN", "")
ADMIN_PASSWORD = os.environ.get("BOXOFFICE_E2E_ADMIN_PASSWORD", "")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not API, reason="set BOXOFFICE_API_URL to run against a deployed stack"),
]


def send(method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, f"{API}{path}", headers=headers, timeout=30, **kwargs)


def login(username: str, password: str) -> str:
    answer = send("POST", "/auth/login", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_discovery_is_public():
    assert send("GET", "/.well-known/openid-configuration").json()["jwks_uri"].endswith("/.well-known/jwks.json")
    assert send("GET", "/.well-known/jwks.json").json()["keys"]
    assert send("GET", "/me").status_code == 401


@pytest.mark.skipif(not (ADMIN and ADMIN_PASSWORD), reason="set BOXOFFICE_E2E_ADMIN and _PASSWORD")
def test_a_booking_from_hold_to_refund():
    admin = login(ADMIN, ADMIN_PASSWORD)
    suffix = uuid.uuid4().hex[:8]
    hall = send("POST", "/halls", admin, json={"name": f"e2e {suffix}", "rows": [{"label": "A", "seats": 4}]}).json()
    movie = send(
        "POST",
        "/movies",
        admin,
        json={"name": f"e2e {suffix}", "genres": [], "premiered": "2000-01-01", "runtime_minutes": 90},
    ).json()
    starts = (datetime.now(UTC) + timedelta(days=30, minutes=int(suffix, 16) % 10_000)).replace(microsecond=0)
    screening = send(
        "POST",
        "/screenings",
        admin,
        json={
            "movie_id": movie["movie_id"],
            "hall_id": hall["hall_id"],
            "starts_at": starts.isoformat(),
            "price_cents": 500,
            "currency": "EUR",
        },
    )
    assert screening.status_code == 201, screening.text
    screening_id = screening.json()["screening_id"]

    username = f"e2e{suffix}"
    assert (
        send(
            "POST",
            "/auth/register",
            json={
                "username": username,
                "password": "e2e password 123",
                "first_name": "E",
                "last_name": "Two",
                "email": f"{username}@example.com",
            },
        ).status_code
        == 201
    )
    customer = login(username, "e2e password 123")
    held = send("POST", "/orders", customer, json={"screening_id": screening_id, "chairs": ["A-1", "A-2"]})
    assert held.status_code == 201, held.text
    order = held.json()
    taken = send("POST", "/orders", admin, json={"screening_id": screening_id, "chairs": ["A-2", "A-3"]})
    assert taken.status_code == 409 and taken.json()["details"]["chairs"] == ["A-2"]
    key = {"Idempotency-Key": f"e2e-{suffix}"}
    body = {"confirmation_id": order["confirmation_id"], "payment_method": "tok_ok"}
    paid = send("POST", f"/orders/{order['order_id']}/payment", customer, json=body, headers=dict(key))
    again = send("POST", f"/orders/{order['order_id']}/payment", customer, json=body, headers=dict(key))
    assert paid.status_code == again.status_code == 200 and paid.json() == again.json()
    assert len(paid.json()["tickets"]) == 2
    refunded = send("POST", f"/orders/{order['order_id']}/refund", customer)
    assert refunded.json()["status"] == "REFUNDED"
