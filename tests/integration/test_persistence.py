"""Local data survives a restart of `make run`, even a kill -9 in the middle of a burst of bookings."""

from __future__ import annotations

import signal
import threading

import pytest
import requests

from local.demo import DEMO_PASSWORD
from tests.integration.conftest import ADMIN_PASSWORD, start_local_stack

pytestmark = pytest.mark.integration


def _login(url: str, username: str, password: str) -> str:
    answer = requests.post(f"{url}/auth/login", json={"username": username, "password": password}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_what_was_acknowledged_survives_a_kill_9_and_old_tokens_still_verify(tmp_path):
    stack = start_local_stack("--data-dir", str(tmp_path))
    try:
        admin = _login(stack.url, "admin", ADMIN_PASSWORD)
        customer = _login(stack.url, "demo", DEMO_PASSWORD)
        headers = {"Authorization": f"Bearer {admin}"}
        screening = requests.get(f"{stack.url}/screenings", headers=headers, timeout=30).json()["items"][0]
        chairs = requests.get(
            f"{stack.url}/screenings/{screening['screening_id']}/chairs",
            headers=headers,
            params={"limit": 200},
            timeout=30,
        ).json()["items"]
        seats = [chair["chair_id"] for chair in chairs]
        paid = requests.post(
            f"{stack.url}/orders",
            json={"screening_id": screening["screening_id"], "chairs": [seats.pop()]},
            headers=headers,
            timeout=30,
        ).json()
        sale = requests.post(
            f"{stack.url}/orders/{paid['order_id']}/payment",
            headers={**headers, "Idempotency-Key": "persist-0001"},
            json={"confirmation_id": paid["confirmation_id"], "payment_method": "tok_ok"},
            timeout=30,
        )
        assert sale.status_code == 200, sale.text

        acknowledged: list[str] = []
        lock = threading.Lock()
        enough = threading.Event()

        def book(mine: list[str]) -> None:
            for seat in mine:
                try:
                    answer = requests.post(
                        f"{stack.url}/orders",
                        headers=headers,
                        timeout=30,
                        json={"screening_id": screening["screening_id"], "chairs": [seat]},
                    )
                except requests.RequestException:
                    return  # the stack was killed under this request: it was never acknowledged
                if answer.status_code == 201:
                    with lock:
                        acknowledged.append(answer.json()["order_id"])
                        if len(acknowledged) >= 12:
                            enough.set()

        workers = [threading.Thread(target=book, args=(seats[index::4],)) for index in range(4)]
        for worker in workers:
            worker.start()
        assert enough.wait(120), "the burst made progress"
        stack.process.send_signal(signal.SIGKILL)  # mid-burst
        for worker in workers:
            worker.join(60)
        stack.process.wait(30)
        with lock:
            survivors = list(acknowledged)
    finally:
        if stack.process.poll() is None:
            stack.process.kill()

    again = start_local_stack("--data-dir", str(tmp_path), port=stack.port)  # the issuer URL names the port
    try:
        assert "restored" in again.log()
        me = requests.get(f"{again.url}/me", headers={"Authorization": f"Bearer {customer}"}, timeout=30)
        assert me.status_code == 200, "a token from before the restart still verifies"
        for order_id in survivors:
            order = requests.get(f"{again.url}/orders/{order_id}", headers=headers, timeout=30)
            assert order.status_code == 200, f"acknowledged order {order_id} was lost"
            assert order.json()["status"] == "HELD"
        sold = requests.get(f"{again.url}/orders/{paid['order_id']}", headers=headers, timeout=30).json()
        assert sold["status"] == "PAID" and sold["tickets"]
        # The restored stack goes on working: the next hold of a chair held before the kill is refused.
        taken = requests.post(
            f"{again.url}/orders",
            json={"screening_id": screening["screening_id"], "chairs": [sold["chairs"][0]]},
            headers=headers,
            timeout=30,
        )
        assert taken.status_code == 409
    finally:
        assert again.stop() == 0, again.log()
