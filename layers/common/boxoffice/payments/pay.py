"""Paying for a hold: exactly once, only with its confirmation id, only while the hold lasts.

1. One conditional UpdateItem claims the order for this attempt: it must be a
   live HELD order with this confirmation id, and the caller's (or the caller
   manages orders), and no other attempt may hold a live claim on it. The
   claim lasts as long as this invocation can (its remaining time), and it
   returns the order, so it is the path's only read. A second attempt while
   one is under way, with any key, is refused (409 PAYMENT_IN_PROGRESS) before
   anything is charged.
2. The provider charges once per `<order>:<Idempotency-Key>`, so a crashed
   attempt's retry gets the same charge back instead of a second one.
3. One TransactWriteItems makes the order PAID with its tickets and its chairs
   SOLD, conditional on the hold still being live and claimed by this attempt.
   If the hold lapsed meanwhile, the charge is refunded and the answer is 409.
   Nothing is sold once the screening has started (409 SCREENING_STARTED,
   anything charged refunded): a hold made before the start cannot be paid
   after it.
4. A retry with the same Idempotency-Key finds the order PAID with that key's
   charge and answers it, charging nothing; the same key with another body
   is a 422. The order itself is the idempotency record: no separate one is
   written (it cost four write units a payment and guarded nothing the claim
   and the charge key do not).
   A charge whose function died before step 3 is refunded by whoever finds it
   first: the retry (after the hold lapsed) or the sweeper.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import UpdateError

from boxoffice.booking.answers import to_out
from boxoffice.booking.orders import forget_hold, release_chairs
from boxoffice.booking.schemas import OrderOut
from boxoffice.booking.ticket_key import ticket_key
from boxoffice.booking.tickets import new_code
from boxoffice.catalog.subscriptions import new_subscription, watch_date
from boxoffice.clock import now_epoch
from boxoffice.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    PaymentDeclined,
    Unavailable,
    UpstreamFailed,
)
from boxoffice.models.base import Transaction, TransactionCancelled
from boxoffice.models.chairs import Chair, seat_key
from boxoffice.models.orders import CANCELLED, EXPIRED, HELD, PAID, REFUNDED, Order, Ticket
from boxoffice.models.till import BOX_OFFICE_METHODS
from boxoffice.observability import MetricUnit, logger, metrics
from boxoffice.payments import till
from boxoffice.payments.charges import charge_key, refund_key, refund_orphan_charge
from boxoffice.payments.configured import get_provider
from boxoffice.payments.provider import PaymentDeclinedError, ProviderUnavailableError
from boxoffice.settings import get_settings

SCREENING_CANCELLED = "SCREENING_CANCELLED"  # an order's reason when the cinema cancelled its screening
_SELL_ATTEMPTS = 3


@dataclass(frozen=True)
class PaymentRequest:
    """Everything a payment depends on; the first three are its idempotency key, the next two its payload."""

    user_id: str
    order_id: str
    idempotency_key: str
    confirmation_id: str
    payment_method: str
    manages_orders: bool
    username: str = ""  # who pays: the staff member a box office sale is counted to


def pay(request: PaymentRequest, lambda_context: Any) -> OrderOut:
    remaining_ms = lambda_context.get_remaining_time_in_millis() if lambda_context is not None else None
    claim_seconds = math.ceil(remaining_ms / 1000) if remaining_ms else get_settings().payment_claim_seconds
    return OrderOut.model_validate(_pay(request, claim_seconds))


def _claim(request: PaymentRequest, now: int, claim_seconds: int) -> Order:
    """Claim the order for this payment attempt; the claimed order, or the precise refusal."""
    condition = (
        (Order.status == HELD)
        & (Order.expires_at > now)
        & (Order.starts_at > now)
        & (Order.confirmation_id == request.confirmation_id)
        & (Order.payment_attempt.does_not_exist() | (Order.payment_attempt_until < now))
    )
    if not request.manages_orders:
        condition &= Order.user_id == request.user_id
    order = Order(request.order_id)
    try:
        order.update(
            actions=[
                Order.payment_attempt.set(request.idempotency_key),
                Order.payment_attempt_until.set(now + claim_seconds),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        raise _refusal(request, now) from None
    return order


class _PaidByThisAttempt(Exception):  # a signal, not an error
    """This very request already paid the order (its answer was lost before it was recorded)."""

    def __init__(self, order: Order) -> None:
        super().__init__(order.order_id)
        self.order = order


def _refusal(request: PaymentRequest, now: int) -> Exception:
    """Why the claim was refused (a read on the failure path only)."""
    try:
        order = Order.get(request.order_id, consistent_read=True)
    except Order.DoesNotExist:
        order = None
    if order is None or (order.user_id != request.user_id and not request.manages_orders):
        return NotFound("No such order", details={"order_id": request.order_id})
    status = order.status_now(now)
    if status == PAID and order.charge_key == charge_key(order.order_id, request.idempotency_key):
        if (order.confirmation_id, order.payment_method) != (request.confirmation_id, request.payment_method):
            return Invalid("This Idempotency-Key was used with a different body", code="IDEMPOTENCY_KEY_REUSED")
        return _PaidByThisAttempt(order)
    if status == PAID:
        return Conflict("The order is paid already", code="ALREADY_PAID")
    if status == REFUNDED:
        return Conflict("The order was paid and refunded", code="ORDER_REFUNDED")
    if status == CANCELLED:
        return Conflict("The order was cancelled", code="ORDER_CANCELLED")
    if not secrets.compare_digest(order.confirmation_id, request.confirmation_id):
        return Forbidden("That is not this order's confirmation id", code="WRONG_CONFIRMATION_ID")
    started = int(order.starts_at) <= now
    if status == EXPIRED or started:
        if order.payment_attempt == request.idempotency_key:
            refund_orphan_charge(order)  # this attempt charged, then died before the sale
        if started:
            return Conflict("The screening has started; nothing more is sold for it", code="SCREENING_STARTED")
        return Conflict("The hold has expired; its chairs are free again", code="HOLD_EXPIRED")
    return Conflict(
        "Another payment of this order is under way", code="PAYMENT_IN_PROGRESS", headers={"Retry-After": "1"}
    )


def _release_claim(request: PaymentRequest) -> None:
    try:
        Order(request.order_id).update(
            actions=[Order.payment_attempt.remove(), Order.payment_attempt_until.remove()],
            condition=Order.payment_attempt == request.idempotency_key,
        )
    except UpdateError as error:
        logger.warning(
            "payment claim not released", extra={"order_id": request.order_id, "reason": error.cause_response_code}
        )


def _sell_at_the_counter(order: Order, request: PaymentRequest, key: str, tickets: list[Ticket]) -> dict[str, Any]:
    paid_at = _sell_retrying(order, request, f"{request.payment_method}:{key}", key, tickets)
    if paid_at is None:
        _release_claim(request)
        raise _unsold(Order.get(order.order_id, consistent_read=True), refunded=False)
    return _sold(order, request, paid_at, tickets)


def _sell_retrying(
    order: Order, request: PaymentRequest, charge_id: str, key: str, tickets: list[Ticket]
) -> int | None:
    """The sale, retried through transaction conflicts: when it was made, or None if its conditions failed
    (the hold lapsed, the screening started or was cancelled, another attempt sold it)."""
    for _ in range(_SELL_ATTEMPTS):
        try:
            return _sell(order, request, charge_id, key, tickets)
        except TransactionCancelled as cancelled:
            if not cancelled.retryable:
                return None
    raise Unavailable(
        "The sale could not be recorded yet; retry with the same Idempotency-Key",
        code="BUSY",
        headers={"Retry-After": "1"},
    )


def _unsold(current: Order, *, refunded: bool) -> Conflict:
    """Why a claimed order could not be sold, as it stands now."""
    outcome, details = ("; the charge was refunded", {"refunded": True}) if refunded else ("", None)
    if current.reason == SCREENING_CANCELLED:
        message, code = "The screening was cancelled before the payment completed", "SCREENING_CANCELLED"
    elif int(current.starts_at) <= now_epoch():
        message, code = "The screening started before the payment completed", "SCREENING_STARTED"
    else:
        message, code = "The hold expired before the payment completed", "HOLD_EXPIRED"
    return Conflict(message + outcome, code=code, details=details)


def _sell(order: Order, request: PaymentRequest, charge_id: str, key: str, tickets: list[Ticket]) -> int:
    """The sale, all or nothing: order PAID with tickets, chairs SOLD, quota entry gone, watch history,
    and a box office sale on its staff member's till."""
    now = now_epoch()
    transaction = Transaction()
    transaction.update(
        "order",
        order,
        [
            Order.status.set(PAID),
            Order.tickets.set(tickets),
            Order.charge_id.set(charge_id),
            Order.charge_key.set(key),
            Order.payment_method.set(request.payment_method),
            *([Order.sold_by.set(request.user_id)] if request.manages_orders else []),
            Order.paid_at.set(now),
            Order.updated_at.set(now),
            Order.expires_at.remove(),
            Order.hold_shard.remove(),
            Order.payment_attempt.remove(),
            Order.payment_attempt_until.remove(),
        ],
        condition=(Order.status == HELD)
        & (Order.expires_at > now)
        & (Order.starts_at > now)
        & (Order.confirmation_id == request.confirmation_id)
        & (Order.payment_attempt == request.idempotency_key),
    )
    for chair_id in order.chairs:
        transaction.update(
            chair_id,
            Chair(order.screening_id, seat_key(chair_id)),
            [
                Chair.sold_order_id.set(order.order_id),
                Chair.hold_order_id.remove(),
                Chair.hold_user_id.remove(),
                Chair.hold_expires_at.remove(),
            ],
            condition=Chair.held_by(order.order_id, now),
        )
    release_chairs(transaction, order, now, chairs=[], quota=False)  # the gauges; the quota entry after the sale
    if request.manages_orders:
        till.count(
            transaction,
            at=now,
            venue_id=order.venue_id,
            staff_id=request.user_id,
            username=request.username,
            method=request.payment_method,
            currency=order.currency,
            sold=order.lines(),
        )
    if order.member_id:
        transaction.put(
            "watched",
            new_subscription(
                order.member_id,
                order.movie_id,
                watch_date(int(order.starts_at), order.timezone),
                source="sale",
                order_id=order.order_id,
            ),
        )
    transaction.commit()
    return now


def _issue_tickets(order: Order) -> list[Ticket]:
    """One ticket per chair: its door code (its QR is signed whenever the order is answered)."""
    return [Ticket(chair=chair, code=new_code(order.order_id, index)) for index, chair in enumerate(order.chairs)]


def _pay(request: PaymentRequest, claim_seconds: int) -> dict[str, Any]:
    now = now_epoch()
    at_the_counter = request.payment_method in BOX_OFFICE_METHODS
    if at_the_counter and not request.manages_orders:
        raise Forbidden("Cash and card-present payments are taken at the box office", code="BOX_OFFICE_ONLY")
    try:
        order = _claim(request, now, claim_seconds)
    except _PaidByThisAttempt as done:
        return to_out(done.order).model_dump()
    # The key that signs the tickets is made ready before anything is charged: if KMS fails, the buyer pays nothing.
    try:
        ticket_key.load()
    except Exception:
        _release_claim(request)
        raise
    tickets = _issue_tickets(order)
    provider = get_provider()
    key = charge_key(order.order_id, request.idempotency_key)
    if at_the_counter:  # paid at the counter: nothing to charge, nothing to refund if the sale fails
        return _sell_at_the_counter(order, request, key, tickets)
    try:
        charge = provider.charge(
            amount_cents=int(order.amount_cents),
            currency=order.currency,
            payment_method=request.payment_method,
            idempotency_key=key,
            description=f"Boxoffice order {order.order_id}",
        )
    except PaymentDeclinedError as declined:
        _release_claim(request)
        metrics.add_metric(name="PaymentsDeclined", unit=MetricUnit.Count, value=1)
        raise PaymentDeclined(
            "The payment was declined; try another payment method", details={"reason": str(declined)}
        ) from None
    except ProviderUnavailableError as failure:
        _release_claim(request)
        raise UpstreamFailed(
            "The payment provider failed; nothing was charged, retry",
            code="PAYMENT_PROVIDER_FAILED",
            headers={"Retry-After": "2"},
        ) from failure
    paid_at = _sell_retrying(order, request, charge.charge_id, key, tickets)
    if paid_at is None:
        current = Order.get(order.order_id, consistent_read=True)
        if current.status == PAID and current.charge_id == charge.charge_id:
            # Another attempt with this same key sold the order with this same charge (the provider
            # answers a key once): the charge paid for the sale, and refunding it would give it away.
            return to_out(current).model_dump()
        provider.refund(charge_id=charge.charge_id, amount_cents=charge.amount_cents, idempotency_key=refund_key(key))
        metrics.add_metric(name="LatePaymentsRefunded", unit=MetricUnit.Count, value=1)
        raise _unsold(current, refunded=True)
    order.charge_id = charge.charge_id
    return _sold(order, request, paid_at, tickets)


def _sold(order: Order, request: PaymentRequest, paid_at: int, tickets: list[Ticket]) -> dict[str, Any]:
    """The answer to a sale, from the order in hand and what the sale wrote (no read back)."""
    forget_hold(order)
    order.status, order.tickets, order.paid_at, order.updated_at = PAID, tickets, paid_at, paid_at
    order.expires_at, order.payment_method = None, request.payment_method
    metrics.add_metric(name="OrdersPaid", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RevenueCents", unit=MetricUnit.Count, value=int(order.amount_cents))
    logger.info("order paid", extra={"order_id": order.order_id, "chairs": len(order.chairs)})
    return to_out(order).model_dump()
