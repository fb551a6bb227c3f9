"""Webhooks: other systems told of the events they subscribed to, signed, retried, dead-lettered.

Each event a webhook subscribed to becomes one delivery (a put conditional on
webhook and event id, so a redelivered event is sent no more than once), tried
at once and, while it fails, again after 1, 2, 4, ... minutes (at most 4 hours
apart) until 24 hours have passed; then it is FAILED and its ids go to the
dead-letter queue. A try first claims the delivery (a conditional update of its
attempt count), so two workers never send it at the same time.

Every request is signed like Stripe's: `Boxoffice-Signature: t=<unix time>,v1=<hex
HMAC-SHA256 of "<t>.<body>" with the webhook's secret>`.

Receivers must be public: a URL whose host resolves to a private, loopback,
link-local or otherwise non-global address is refused when the webhook is made
and again at every try, and the connection goes to the very address that was
checked (no second lookup a DNS rebinding could answer). Only under `make run`
(Stage=local) may a receiver be on loopback, over plain http.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import secrets
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.update import Action

from boxoffice import aws
from boxoffice.clock import iso, now_epoch
from boxoffice.errors import Conflict, Invalid, NotFound
from boxoffice.events.schemas import DeliveryOut, WebhookCreatedOut, WebhookIn, WebhookOut
from boxoffice.identity import Identity
from boxoffice.ids import new_id
from boxoffice.models.insights import (
    DELIVERED,
    DUE,
    FAILED,
    PENDING,
    WEBHOOKS_PARTITION,
    Delivery,
    Webhook,
    delivery_partition,
)
from boxoffice.observability import MetricUnit, logger, metrics
from boxoffice.pagination import query_page
from boxoffice.schemas import Page
from boxoffice.settings import get_settings

MAX_WEBHOOKS = 50
GIVE_UP_AFTER_SECONDS = 24 * 3600
FIRST_RETRY_SECONDS = 60
LONGEST_WAIT_SECONDS = 4 * 3600
CLAIM_SECONDS = 60  # a claimed try that never reported is free again after this
TIMEOUT_SECONDS = 5
RETRY_BATCH = 50
MAX_ERROR_CHARS = 200


def _refused(reason: str) -> Invalid:
    return Invalid(f"This webhook URL is refused: {reason}", code="WEBHOOK_URL_REFUSED")


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked address the connection goes to


def _acceptable(address: str, local: bool) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if local and ip.is_loopback:
        return True
    return ip.is_global and not ip.is_multicast


def vet(url: str) -> Target:
    """Where a webhook URL really points, if it may be called at all (see the module doc)."""
    local = get_settings().stage == "local"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused("not a URL") from None
    if parts.scheme not in (("https", "http") if local else ("https",)):
        raise _refused("only https:// receivers" + (" (or http:// under make run)" if local else ""))
    if not parts.hostname or parts.username or parts.password:
        raise _refused("a host, and no credentials in the URL")
    default_port = 443 if parts.scheme == "https" else 80
    try:
        found = socket.getaddrinfo(parts.hostname, port or default_port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise _refused("its host does not resolve") from None
    addresses = [str(info[4][0]) for info in found]
    if not addresses or not all(_acceptable(address, local) for address in addresses):
        raise _refused("it points at a private, loopback or link-local address")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port or default_port, path, addresses[0])


class _PinnedHttps(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the certificate still checked against the URL's host name."""

    def __init__(self, target: Target) -> None:
        super().__init__(target.host, target.port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHttp(http.client.HTTPConnection):
    def __init__(self, target: Target) -> None:
        super().__init__(target.host, target.port, timeout=TIMEOUT_SECONDS)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def signature(secret: str, timestamp: int, body: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def post(url: str, secret: str, delivery: Delivery, now: int) -> tuple[int | None, str | None]:
    """One try: (status code, None) when the receiver answered 2xx, else (status or None, why)."""
    try:
        target = vet(url)
    except Invalid as refused:
        return None, refused.message
    connection: http.client.HTTPConnection = _PinnedHttps(target) if target.scheme == "https" else _PinnedHttp(target)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Boxoffice-Webhooks/1",
        "Boxoffice-Signature": signature(secret, now, delivery.body),
        "Boxoffice-Event-Id": delivery.event_id,
        "Boxoffice-Event-Type": delivery.detail_type,
    }
    try:
        connection.request("POST", target.path, body=delivery.body.encode(), headers=headers)
        answer = connection.getresponse()
        answer.read(65536)
        # A redirect is not followed (it could point anywhere): it is a failure like any other non-2xx.
        if 200 <= answer.status < 300:
            return answer.status, None
        return answer.status, f"answered {answer.status}"
    except (OSError, http.client.HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"[:MAX_ERROR_CHARS]
    finally:
        connection.close()


# ---------------------------------------------------------------- management
def _webhook_out(webhook: Webhook) -> WebhookOut:
    return WebhookOut(
        webhook_id=webhook.sk,
        url=webhook.url,
        events=list(webhook.events),
        created_at=iso(webhook.created_at),
        created_by=webhook.created_by,
    )


def _all_webhooks() -> list[Webhook]:
    return list(Webhook.query(WEBHOOKS_PARTITION, consistent_read=True))


def create(body: WebhookIn, by: Identity) -> WebhookCreatedOut:
    vet(body.url)
    if len(_all_webhooks()) >= MAX_WEBHOOKS:
        raise Conflict(f"At most {MAX_WEBHOOKS} webhooks", code="TOO_MANY_WEBHOOKS")
    webhook = Webhook(
        WEBHOOKS_PARTITION,
        new_id(),
        url=body.url,
        events=sorted(set(body.events)),
        secret="whsec_" + secrets.token_urlsafe(32),
        created_at=now_epoch(),
        created_by=by.username,
    )
    webhook.save(condition=Webhook.sk.does_not_exist())
    return WebhookCreatedOut(**_webhook_out(webhook).model_dump(), secret=webhook.secret)


def list_webhooks() -> Page[WebhookOut]:
    return Page[WebhookOut](items=[_webhook_out(webhook) for webhook in _all_webhooks()], next_cursor=None)


def _webhook(webhook_id: str) -> Webhook:
    try:
        return Webhook.get(WEBHOOKS_PARTITION, webhook_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No such webhook", details={"webhook_id": webhook_id}) from None


def delete(webhook_id: str) -> None:
    """Gone at once: its deliveries still waiting are dropped at their next try."""
    webhook = _webhook(webhook_id)
    webhook.delete()


def _delivery_out(delivery: Delivery) -> DeliveryOut:
    def at(value: int | None) -> str | None:
        return iso(value) if value else None

    return DeliveryOut(
        event_id=delivery.event_id,
        event_type=delivery.detail_type,
        status=delivery.status,
        attempts=int(delivery.attempts),
        created_at=iso(delivery.created_at),
        last_attempt_at=at(delivery.last_attempt_at),
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        next_attempt_at=at(delivery.due_at) if delivery.status == PENDING else None,
        delivered_at=at(delivery.delivered_at),
        failed_at=at(delivery.failed_at),
    )


def deliveries(webhook_id: str, limit: int, cursor: str | None) -> Page[DeliveryOut]:
    _webhook(webhook_id)
    found, next_cursor = query_page(
        Delivery, None, delivery_partition(webhook_id), limit=limit, cursor=cursor, newest_first=True
    )
    return Page[DeliveryOut](items=[_delivery_out(delivery) for delivery in found], next_cursor=next_cursor)


# ---------------------------------------------------------------- delivering
def body_of(detail_type: str, detail: dict[str, Any]) -> str:
    return json.dumps(
        {"id": detail["event_id"], "type": detail_type, "created_at": detail["occurred_at"], "data": detail},
        separators=(",", ":"),
    )


def fan_out(detail_type: str, detail: dict[str, Any]) -> int:
    """Make this event's deliveries (once each) and try them; how many were made now."""
    now = now_epoch()
    made = []
    for webhook in _all_webhooks():
        if not webhook.enabled or detail_type not in webhook.events:
            continue
        delivery = Delivery(
            delivery_partition(webhook.sk),
            detail["event_id"],
            webhook_id=webhook.sk,
            event_id=detail["event_id"],
            detail_type=detail_type,
            body=body_of(detail_type, detail),
            status=PENDING,
            attempts=0,
            created_at=now,
            due_shard=DUE,
            due_at=now,
        )
        try:
            delivery.save(condition=Delivery.sk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                continue  # the event came again: its delivery exists and is tried by the retry worker
            raise
        made.append((webhook, delivery))
    for webhook, delivery in made:
        attempt(webhook, delivery, now)
    return len(made)


def _wait_after(attempts: int) -> int:
    return min(FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1), LONGEST_WAIT_SECONDS)


def attempt(webhook: Webhook | None, delivery: Delivery, now: int) -> str:
    """Claim one try of a delivery, make it, record what came of it; the delivery's status after."""
    seen = int(delivery.attempts)
    try:
        delivery.update(
            [
                Delivery.attempts.set(seen + 1),
                Delivery.last_attempt_at.set(now),
                Delivery.due_at.set(now + CLAIM_SECONDS),
            ],
            condition=(Delivery.status == PENDING) & (Delivery.attempts == seen),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return "CLAIMED_ELSEWHERE"
        raise
    claimed = Delivery.attempts == seen + 1
    if webhook is None:
        _finish(delivery, FAILED, now, claimed, error="the webhook was deleted", dead_letter=False)
        return FAILED
    status_code, why = post(webhook.url, webhook.secret, delivery, now)
    if why is None:
        delivery.update(
            [
                Delivery.status.set(DELIVERED),
                Delivery.delivered_at.set(now),
                Delivery.last_status_code.set(status_code or 0),
                Delivery.last_error.remove(),
                Delivery.due_shard.remove(),
                Delivery.due_at.remove(),
            ],
            condition=claimed,
        )
        metrics.add_metric(name="WebhooksDelivered", unit=MetricUnit.Count, value=1)
        return DELIVERED
    next_at = now + _wait_after(seen + 1)
    if next_at > int(delivery.created_at) + GIVE_UP_AFTER_SECONDS:
        _finish(delivery, FAILED, now, claimed, error=why, status_code=status_code, dead_letter=True)
        return FAILED
    actions: list[Action] = [Delivery.last_error.set(why), Delivery.due_at.set(next_at)]
    actions.append(
        Delivery.last_status_code.set(status_code) if status_code is not None else Delivery.last_status_code.remove()
    )
    delivery.update(actions, condition=claimed)
    return PENDING


def _finish(
    delivery: Delivery,
    status: str,
    now: int,
    claimed: Any,
    *,
    error: str,
    status_code: int | None = None,
    dead_letter: bool,
) -> None:
    actions: list[Action] = [
        Delivery.status.set(status),
        Delivery.failed_at.set(now),
        Delivery.last_error.set(error),
        Delivery.due_shard.remove(),
        Delivery.due_at.remove(),
    ]
    if status_code is not None:
        actions.append(Delivery.last_status_code.set(status_code))
    delivery.update(actions, condition=claimed)
    metrics.add_metric(name="WebhooksFailed", unit=MetricUnit.Count, value=1)
    queue = get_settings().webhook_dead_letter_queue_url
    if dead_letter and queue:
        aws.client("sqs").send_message(
            QueueUrl=queue,
            MessageBody=json.dumps({"webhook_id": delivery.webhook_id, "event_id": delivery.event_id, "error": error}),
        )
        logger.warning("webhook delivery dead-lettered", extra={"webhook_id": delivery.webhook_id})


def retry_due(limit: int = RETRY_BATCH) -> dict[str, int]:
    """Try the deliveries whose time has come (the sparse by_due index, oldest first)."""
    now = now_epoch()
    keys = list(Delivery.by_due.query(DUE, Delivery.due_at <= now, limit=limit))
    outcome: dict[str, int] = {}
    if not keys:
        return outcome
    found = {(d.pk, d.sk): d for d in Delivery.batch_get([(k.pk, k.sk) for k in keys], consistent_read=True)}
    webhooks: dict[str, Webhook | None] = {}
    for key in keys:
        delivery = found.get((key.pk, key.sk))
        if delivery is None or delivery.status != PENDING or (delivery.due_at or 0) > now:
            continue
        if delivery.webhook_id not in webhooks:
            try:
                webhooks[delivery.webhook_id] = Webhook.get(WEBHOOKS_PARTITION, delivery.webhook_id)
            except DoesNotExist:
                webhooks[delivery.webhook_id] = None
        status = attempt(webhooks[delivery.webhook_id], delivery, now)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome
