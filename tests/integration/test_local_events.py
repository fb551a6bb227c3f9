"""`make run` drives the tables' streams and the bus as AWS would: a sale reaches the report, the audit log and a
webhook receiver on this machine, without anyone invoking a consumer by hand."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import requests

from local.demo import DEMO_PASSWORD
from tests.integration.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.integration


def login(url: str, username: str, password: str) -> dict[str, str]:
    answer = requests.post(f"{url}/auth/login", json={"username": username, "password": password}, timeout=30)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def eventually(check: Callable[[], Any], what: str, patience: float = 120) -> Any:
    """Wait for the pollers (a generous bound for a busy machine: this is a wait, never a measurement)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"{what}: not within {patience} s")


def test_a_sale_reaches_the_report_the_audit_log_and_a_signed_webhook(local_stack):
    received: list[tuple[dict[str, str], str]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"])).decode()))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = local_stack.url
        admin = login(url, "admin", ADMIN_PASSWORD)
        hook = requests.post(
            f"{url}/webhooks",
            json={"url": f"http://127.0.0.1:{server.server_address[1]}/in", "events": ["OrderPaid"]},
            headers=admin,
            timeout=30,
        )
        assert hook.status_code == 201, hook.text
        secret = hook.json()["secret"]

        customer = login(url, "demo", DEMO_PASSWORD)
        screening = requests.get(f"{url}/screenings", headers=customer, timeout=30).json()["items"][0]
        free = requests.get(
            f"{url}/screenings/{screening['screening_id']}/chairs",
            params={"status": "AVAILABLE"},
            headers=customer,
            timeout=30,
        ).json()["items"][0]["chair_id"]
        order = requests.post(
            f"{url}/orders",
            json={"screening_id": screening["screening_id"], "chairs": [free]},
            headers=customer,
            timeout=30,
        ).json()
        paid = requests.post(
            f"{url}/orders/{order['order_id']}/payment",
            json={"confirmation_id": order["confirmation_id"], "payment_method": "tok_ok"},
            headers={**customer, "Idempotency-Key": order["order_id"]},
            timeout=30,
        )
        assert paid.status_code == 200, paid.text

        def report() -> dict[str, Any] | None:
            body = requests.get(
                f"{url}/reports/screenings/{screening['screening_id']}", headers=admin, timeout=30
            ).json()
            return body if body["sold"] >= 1 else None

        assert eventually(report, "the sale in the screening's report")["revenue"]
        eventually(lambda: received, "the webhook delivery")
        headers, body = received[0]
        parts = dict(part.split("=", 1) for part in headers["Boxoffice-Signature"].split(","))
        expected = hmac.new(secret.encode(), f"{parts['t']}.{body}".encode(), hashlib.sha256).hexdigest()
        assert hmac.compare_digest(expected, parts["v1"])
        assert json.loads(body)["data"]["order_id"] == order["order_id"]

        def signed_in() -> list[Any]:
            entries = requests.get(f"{url}/audit", params={"action": "UserSignedIn"}, headers=admin, timeout=30)
            return [entry for entry in entries.json()["items"] if entry["actor"]["username"] == "demo"]

        eventually(signed_in, "the customer's sign-in in the audit log")
    finally:
        server.shutdown()
