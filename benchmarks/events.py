"""What the domain events add to a booking (hold two chairs, pay): events, requests, units, dollars, delay.

- In process, metered (local.capacity): one booking's stream records relayed
  and its events handed to every consumer whose rule matches, with every AWS
  request, write and read unit, and Lambda invocation counted.
- Under `make run`: the delay from the payment's answer to a webhook
  receiver on this machine getting OrderPaid (the pollers' interval included),
  over sequential bookings.

Prices: those of benchmarks.cost, plus EventBridge custom events at $1.00 per
million (64 KB each) and DynamoDB Streams reads by Lambda, which are free.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from benchmarks.cost import FUNCTION_MEMORY_GB, PRICES

EVENTBRIDGE_PER_MILLION = 1.00
DELAY_BOOKINGS = 20


def metered() -> dict[str, Any]:
    from local.capacity import CapacityMeter
    from local.inprocess import AwsCallCounter, InProcessStack, mocked_aws
    from tools import factories
    from tools.factories import customer_context

    with mocked_aws() as aws:
        stack = InProcessStack(aws, {"HoldSeconds": "600"})

        def create(function: str, body: dict[str, Any]) -> dict[str, Any]:
            answer = stack.call(function, body=body)
            assert answer.status == 201, answer
            return dict(answer.body)

        screening = factories.make_screening(create, starts_at="2099-06-01T20:00:00Z", rows=15, seats=20)
        buyer = customer_context()

        def book(chairs: list[str]) -> None:
            held = stack.call("PlaceOrderFunction", identity=buyer, body={"screening_id": screening, "chairs": chairs})
            assert held.status == 201, held
            paid = stack.call(
                "PayOrderFunction",
                identity=buyer,
                path={"order_id": held.body["order_id"]},
                body={"confirmation_id": held.body["confirmation_id"], "payment_method": "tok_ok"},
                headers={"Idempotency-Key": held.body["order_id"]},
            )
            assert paid.status == 200, paid

        book(["A-1", "A-2"])
        stack.deliver_events()  # the catalog's events, and every consumer warm
        book(["A-3", "A-4"])
        invoked: Counter[str] = Counter()
        durations: Counter[str] = Counter()
        real_invoke = stack.runtime.invoke

        def counting(logical_id: str, event: Any) -> Any:
            started = time.perf_counter()
            try:
                return real_invoke(logical_id, event)
            finally:
                invoked[logical_id] += 1
                durations[logical_id] += (time.perf_counter() - started) * 1000

        stack.runtime.invoke = counting  # type: ignore[method-assign]
        with CapacityMeter() as meter, AwsCallCounter() as counter:
            stack.deliver_events()
            usage = meter.reset()
        events = [
            entry
            for service, operation, params in counter.log
            if (service, operation) == ("events", "PutEvents")
            for entry in params["Entries"]
        ]
        dynamodb = counter.of("dynamodb")
    write_units, read_units = usage.write_units, usage.read_units
    invocations = sum(invoked.values())
    gb_seconds = sum(durations.values()) / 1000 * FUNCTION_MEMORY_GB
    lines = {
        f"EventBridge ({len(events)} events)": len(events) * EVENTBRIDGE_PER_MILLION,
        f"Lambda requests ({invocations} invocations)": invocations * PRICES["lambda_per_million_requests"],
        "Lambda compute": gb_seconds * PRICES["lambda_arm64_per_gb_second"] * 1e6,
        f"DynamoDB writes ({write_units:g} units)": write_units * PRICES["dynamodb_per_million_write_units"],
        f"DynamoDB reads ({read_units:g} units)": read_units * PRICES["dynamodb_per_million_read_units"],
        "DynamoDB Streams reads by Lambda": 0.0,
    }
    return {
        "events": sorted(entry["DetailType"] for entry in events),
        "invocations": dict(sorted(invoked.items())),
        "dynamodb_requests": dict(sorted(dynamodb.items())),
        "write_units": write_units,
        "read_units": read_units,
        "by_line": dict(sorted(usage.by_line.items())),
        "lines": {line: round(value, 2) for line, value in lines.items()},
        "total": round(sum(lines.values()), 2),
    }


def delay_under_make_run(bookings: int = DELAY_BOOKINGS) -> dict[str, Any]:
    """Seconds from the payment's answer to the receiver getting its OrderPaid, over sequential bookings."""
    import requests

    from local.demo import DEMO_PASSWORD
    from tests.integration.conftest import ADMIN_PASSWORD, start_local_stack

    arrived: dict[str, float] = {}

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            import json

            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            arrived[body["data"]["order_id"]] = time.monotonic()
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stack = start_local_stack()
    try:
        url = stack.url

        def login(username: str, password: str) -> dict[str, str]:
            answer = requests.post(f"{url}/auth/login", json={"username": username, "password": password}, timeout=30)
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        admin, customer = login("admin", ADMIN_PASSWORD), login("demo", DEMO_PASSWORD)
        hook = {"url": f"http://127.0.0.1:{server.server_address[1]}/in", "events": ["OrderPaid"]}
        assert requests.post(f"{url}/webhooks", json=hook, headers=admin, timeout=30).status_code == 201
        screening = requests.get(f"{url}/screenings", headers=customer, timeout=30).json()["items"][0]["screening_id"]
        chairs = requests.get(
            f"{url}/screenings/{screening}/chairs",
            params={"status": "AVAILABLE", "limit": "100"},
            headers=customer,
            timeout=30,
        ).json()["items"]
        paid_at: dict[str, float] = {}
        for chair in chairs[:bookings]:
            order = requests.post(
                f"{url}/orders",
                json={"screening_id": screening, "chairs": [chair["chair_id"]]},
                headers=customer,
                timeout=30,
            ).json()
            requests.post(
                f"{url}/orders/{order['order_id']}/payment",
                json={"confirmation_id": order["confirmation_id"], "payment_method": "tok_ok"},
                headers={**customer, "Idempotency-Key": order["order_id"]},
                timeout=30,
            )
            paid_at[order["order_id"]] = time.monotonic()
            deadline = time.monotonic() + 60
            while order["order_id"] not in arrived and time.monotonic() < deadline:
                time.sleep(0.01)
        delays = sorted(arrived[order] - paid for order, paid in paid_at.items() if order in arrived)
    finally:
        stack.stop()
        server.shutdown()
    return {
        "bookings": len(paid_at),
        "delivered": len(delays),
        "p50_s": round(statistics.median(delays), 3) if delays else None,
        "p90_s": round(delays[int(len(delays) * 0.9) - 1], 3) if delays else None,
        "max_s": round(delays[-1], 3) if delays else None,
        "poll_interval_s": 0.2,
    }


def measure() -> dict[str, Any]:
    return {"metered": metered(), "delay": delay_under_make_run()}
