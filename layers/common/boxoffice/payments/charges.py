"""How charges are keyed at the provider, and refunding a charge whose sale never happened."""

from __future__ import annotations

from boxoffice.models.orders import Order
from boxoffice.observability import MetricUnit, logger, metrics
from boxoffice.payments.configured import get_provider


def charge_key(order_id: str, attempt: str) -> str:
    """One charge per order and payment attempt (the attempt is the request's Idempotency-Key)."""
    return f"{order_id}:{attempt}"


def refund_key(order_charge_key: str) -> str:
    return f"{order_charge_key}:refund"


def refund_orphan_charge(order: Order) -> bool:
    """Refund what a payment attempt of this (unsold) order charged, if it charged. True if it did."""
    if not order.payment_attempt:
        return False
    key = charge_key(order.order_id, order.payment_attempt)
    provider = get_provider()
    charge = provider.find_charge(key)
    if charge is None:
        return False
    provider.refund(charge_id=charge.charge_id, amount_cents=charge.amount_cents, idempotency_key=refund_key(key))
    metrics.add_metric(name="LatePaymentsRefunded", unit=MetricUnit.Count, value=1)
    logger.info("refunded the charge of an unfinished payment", extra={"order_id": order.order_id})
    return True
