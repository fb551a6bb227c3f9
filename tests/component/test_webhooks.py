"""Webhooks: signed deliveries a receiver can verify, retried with backoff, dead-lettered after 24 hours,
and never sent to a private address."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import boto3
import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer, make_screening, staff

manager = staff("hooks", "webhooks:manage")


class Receiver:
    """A webhook receiver on loopback that verifies every signature and answers what it is told to."""

    def __init__(self) -> None:
        self.answers: list[int] = []  # status to answer, one per request; 204 when the list runs out
        self.received: list[dict[str, Any]] = []
        self.secret = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.received.append(
                    {"headers": dict(self.headers), "body": body, "verified": receiver.verify(self.headers, body)}
                )
                self.send_response(receiver.answers.pop(0) if receiver.answers else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/boxoffice"

    def verify(self, headers: Any, body: str) -> bool:
        """What a receiver does: recompute the HMAC over "<t>.<body>" and compare in constant time."""
        parts = dict(part.split("=", 1) for part in headers["Boxoffice-Signature"].split(","))
        expected = hmac.new(self.secret.encode(), f"{parts['t']}.{body}".encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts["v1"])


@pytest.fixture
def local_stack(make_stack):
    return make_stack(Stage="local")  # loopback receivers are allowed only under make run


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


def subscribe(stack, receiver: Receiver, events: list[str]) -> dict[str, Any]:
    answer = stack.call("CreateWebhookFunction", identity=manager, body={"url": receiver.url, "events": events})
    assert answer.status == 201, answer
    receiver.secret = answer.body["secret"]
    return dict(answer.body)


def sell_one(stack) -> dict[str, Any]:
    booking = Booking(stack, make_screening(stack))
    ann = customer("ann")
    order = booking.hold(ann, ["A-1"]).body
    assert booking.pay(ann, order).status == 200
    return order


def retry(stack, seconds: int) -> dict[str, int]:
    clock.advance(seconds)
    return stack.invoke("RetryWebhooksFunction", {"source": "aws.events", "detail-type": "Scheduled Event"})


def deliveries(stack, webhook_id: str) -> list[dict[str, Any]]:
    answer = stack.call("ListWebhookDeliveriesFunction", identity=manager, path={"webhook_id": webhook_id})
    assert answer.status == 200, answer
    return list(answer.body["items"])


def test_a_subscribed_event_is_delivered_once_signed_and_the_secret_is_shown_only_at_creation(local_stack, receiver):
    clock.freeze()
    webhook = subscribe(local_stack, receiver, ["OrderPaid"])
    assert webhook["secret"].startswith("whsec_")
    order = sell_one(local_stack)
    local_stack.events.redeliver = True  # every stream batch and every bus event twice: still one POST
    local_stack.deliver_events()
    retry(local_stack, 3600)
    assert len(receiver.received) == 1, receiver.received
    delivery = receiver.received[0]
    assert delivery["verified"], "the signature does not verify with the secret"
    body = json.loads(delivery["body"])
    assert body["type"] == "OrderPaid" and body["data"]["order_id"] == order["order_id"]
    assert delivery["headers"]["Boxoffice-Event-Id"] == body["id"] == body["data"]["event_id"]
    listed = local_stack.call("ListWebhooksFunction", identity=manager)
    assert listed.body["items"][0]["url"] == receiver.url and "secret" not in listed.text
    assert [
        (d["status"], d["attempts"], d["last_status_code"]) for d in deliveries(local_stack, webhook["webhook_id"])
    ] == [("DELIVERED", 1, 204)]


def test_a_receiver_that_fails_three_times_gets_the_event_once_more_not_twice_more(local_stack, receiver):
    clock.freeze()
    webhook = subscribe(local_stack, receiver, ["OrderPaid"])
    receiver.answers = [500, 503, 500]
    sell_one(local_stack)
    local_stack.deliver_events()
    assert len(receiver.received) == 1
    assert retry(local_stack, 30) == {}, "tried again before its backoff"
    waits = [30, 120, 240]  # 1 minute after the first try, then 2, then 4
    for wait in waits:
        retry(local_stack, wait)
    assert len(receiver.received) == 4
    for _ in range(10):
        retry(local_stack, 3600)
    assert len(receiver.received) == 4, "delivered again after it succeeded"
    assert all(request["verified"] for request in receiver.received)
    assert len({request["headers"]["Boxoffice-Event-Id"] for request in receiver.received}) == 1
    (delivery,) = deliveries(local_stack, webhook["webhook_id"])
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == ("DELIVERED", 4, 204)


def test_a_dead_receiver_ends_dead_lettered_after_24_hours(local_stack, receiver):
    clock.freeze()
    webhook = subscribe(local_stack, receiver, ["OrderPaid"])
    receiver.server.shutdown()
    receiver.server.server_close()  # nobody listens any more: every try is refused
    sell_one(local_stack)
    local_stack.deliver_events()
    for _ in range(40):
        retry(local_stack, 3600)
    (delivery,) = deliveries(local_stack, webhook["webhook_id"])
    assert delivery["status"] == "FAILED" and delivery["failed_at"] and delivery["next_attempt_at"] is None
    assert 10 <= delivery["attempts"] <= 16, delivery  # backoff 1, 2, 4 ... minutes, at most 4 hours, for 24 hours
    assert "ConnectionRefused" in delivery["last_error"]
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.get_queue_url(QueueName="WebhookDeadLetterQueue")["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    assert [json.loads(m["Body"])["webhook_id"] for m in messages] == [webhook["webhook_id"]]


def test_an_event_nobody_subscribed_to_makes_no_delivery(local_stack, receiver):
    webhook = subscribe(local_stack, receiver, ["OrderRefunded"])
    sell_one(local_stack)
    local_stack.deliver_events()
    assert receiver.received == [] and deliveries(local_stack, webhook["webhook_id"]) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",  # loopback, outside make run
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.1.1/hook",
        "https://172.16.0.1/hook",
        "https://169.254.169.254/latest/meta-data",  # the instance metadata service
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://100.64.0.1/hook",
        "https://user:pw@93.184.216.34/hook",
        "ftp://93.184.216.34/hook",
        "https://no-such-host.invalid/hook",
        "not a url at all",
    ],
)
def test_private_loopback_link_local_and_odd_urls_are_refused(stack, url):
    answer = stack.call("CreateWebhookFunction", identity=manager, body={"url": url, "events": ["OrderPaid"]})
    assert answer.status == 422 and answer.body["code"] in ("WEBHOOK_URL_REFUSED", "VALIDATION_FAILED"), answer
    assert stack.call("ListWebhooksFunction", identity=manager).body["items"] == []


def test_a_public_address_is_accepted_and_private_ones_stay_refused_under_make_run(stack, local_stack):
    ok = stack.call(
        "CreateWebhookFunction", identity=manager, body={"url": "https://93.184.216.34/hook", "events": ["OrderPaid"]}
    )
    assert ok.status == 201, ok
    private = local_stack.call(
        "CreateWebhookFunction", identity=manager, body={"url": "http://10.0.0.1/h", "events": ["OrderPaid"]}
    )
    assert private.status == 422 and private.body["code"] == "WEBHOOK_URL_REFUSED"


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://93.184.216.34/hook", "events": []},
        {"url": "https://93.184.216.34/hook", "events": ["OrderEaten"]},
        {"url": "https://93.184.216.34/hook"},
        {"events": ["OrderPaid"]},
        {"url": "https://93.184.216.34/hook", "events": ["OrderPaid"], "secret": "mine"},
    ],
)
def test_bad_webhook_bodies_are_422(stack, body):
    answer = stack.call("CreateWebhookFunction", identity=manager, body=body)
    assert answer.status == 422 and answer.body["code"] == "VALIDATION_FAILED", answer


def test_a_deleted_webhook_is_gone_and_its_waiting_deliveries_are_dropped(local_stack, receiver):
    clock.freeze()
    webhook = subscribe(local_stack, receiver, ["OrderPaid"])
    receiver.answers = [500]
    sell_one(local_stack)
    local_stack.deliver_events()
    gone = local_stack.call("DeleteWebhookFunction", identity=manager, path={"webhook_id": webhook["webhook_id"]})
    assert gone.status == 204, gone
    retry(local_stack, 3600)
    assert len(receiver.received) == 1
    assert (
        local_stack.call("DeleteWebhookFunction", identity=manager, path={"webhook_id": webhook["webhook_id"]}).status
        == 404
    )
    missing = local_stack.call(
        "ListWebhookDeliveriesFunction", identity=manager, path={"webhook_id": webhook["webhook_id"]}
    )
    assert missing.status == 404


def test_webhooks_need_webhooks_manage(stack):
    assert stack.call("ListWebhooksFunction", identity=staff("boxoffice")).status == 403
