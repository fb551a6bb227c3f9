"""Refunds: a paid order back to REFUNDED and its chairs AVAILABLE, and the money back, once."""

from __future__ import annotations

from pynamodb.exceptions import DeleteError

from boxoffice import permissions
from boxoffice.booking.orders import commit_or_current, find, to_out
from boxoffice.booking.schemas import OrderOut
from boxoffice.catalog.subscriptions import date_of, subscription_id
from boxoffice.clock import iso, now_epoch
from boxoffice.errors import Conflict, Unavailable
from boxoffice.identity import Identity
from boxoffice.models.base import Transaction
from boxoffice.models.catalog import Subscription
from boxoffice.models.chairs import Chair, seat_key
from boxoffice.models.orders import PAID, REFUNDED, Order
from boxoffice.observability import MetricUnit, logger, metrics
from boxoffice.payments.charges import refund_key
from boxoffice.payments.configured import get_provider
from boxoffice.payments.provider import ProviderUnavailableError
from boxoffice.settings import get_settings


def _return_the_money(order: Order) -> None:
    """Ask the provider to refund (idempotent by key), and note the refund on the order once done."""
    if order.refund_id:
        return
    try:
        refund = get_provider().refund(
            charge_id=order.charge_id,
            amount_cents=int(order.amount_cents),
            idempotency_key=refund_key(order.charge_key),
        )
    except ProviderUnavailableError as failure:
        raise Unavailable(
            "The refund is recorded; the payment provider did not answer, so call again to finish it",
            code="REFUND_PENDING",
            headers={"Retry-After": "5"},
        ) from failure
    order.update(actions=[Order.refund_id.set(refund.refund_id)])


def _forget_the_watch(order: Order) -> None:
    """A refunded sale is not watch history (unless something else recorded that subscription)."""
    if not order.member_id:
        return
    watch = Subscription(subscription_id(order.member_id, order.movie_id, date_of(order.starts_at)))
    try:
        watch.delete(condition=Subscription.order_id == order.order_id)
    except DeleteError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            logger.warning("watch history not removed", extra={"order_id": order.order_id})


def refund(order_id: str, identity: Identity) -> OrderOut:
    order = find(order_id, identity, manage=True)
    now = now_epoch()
    if order.status == REFUNDED:
        _return_the_money(order)  # refunding twice answers the same order, and finishes a pending refund
        return to_out(order, now)
    if order.status != PAID:
        raise Conflict("Only a paid order can be refunded", code="NOT_PAID")
    if not identity.can(permissions.ORDERS_MANAGE):
        cutoff = int(order.starts_at) - get_settings().refund_cutoff_minutes * 60
        if now >= cutoff:
            raise Conflict(
                "Refunds close before the screening; ask the box office",
                code="REFUND_WINDOW_CLOSED",
                details={"closed_at": iso(cutoff)},
            )
    transaction = Transaction()
    transaction.update(
        "order",
        order,
        [Order.status.set(REFUNDED), Order.refunded_at.set(now), Order.updated_at.set(now)],
        condition=Order.status == PAID,
    )
    for chair_id in order.chairs:
        transaction.update(
            chair_id,
            Chair(order.screening_id, seat_key(chair_id)),
            [Chair.sold_order_id.remove()],
            condition=Chair.sold_order_id == order.order_id,
        )
    current = commit_or_current(transaction, order_id)
    if current is not None:  # it changed meanwhile (refunded by someone else, ...)
        if current.status == REFUNDED:
            _return_the_money(current)
            return to_out(current)
        raise Conflict(f"The order is {current.status} now", code="ORDER_CHANGED")
    order.status, order.refunded_at, order.updated_at = REFUNDED, now, now
    metrics.add_metric(name="Refunds", unit=MetricUnit.Count, value=1)
    _return_the_money(order)
    _forget_the_watch(order)
    return to_out(order, now)
