"""The expiry sweeper: marks lapsed holds EXPIRED and takes them off their chairs.

Nothing waits for it: every reader and every conditional write already treats
a lapsed hold as absent. It keeps the seat map's items tidy, the orders'
statuses true, and the quotas short. Each order is one transaction,
conditional on the order still being a lapsed HELD order, so a payment or a
cancellation at the same moment wins or loses cleanly, and two sweeps running
at once expire each order once.

What an expired order's unfinished payment charged is not booking's to undo:
the caller passes `settle_charge` (the sweep function passes payments'
`refund_orphan_charge`), so booking never imports payments.
"""

from __future__ import annotations

from collections.abc import Callable

from boxoffice.booking.orders import release_chairs
from boxoffice.clock import now_epoch
from boxoffice.faults import as_client_answer
from boxoffice.models.base import Transaction, TransactionCancelled, hydrate
from boxoffice.models.orders import EXPIRED, HELD, SWEEP_SHARDS, Order
from boxoffice.observability import MetricUnit, logger, metrics
from boxoffice.settings import get_settings


def lapsed_holds(now: int, limit: int) -> list[Order]:
    """Up to `limit` HELD orders whose hold has lapsed, oldest expiry first: keys from the sparse index, then
    the orders themselves."""
    found: list[Order] = []
    for shard in range(SWEEP_SHARDS):
        if len(found) >= limit:
            break
        found += Order.by_expiry.query(
            f"HELD#{shard}", Order.expires_at <= now, limit=limit - len(found), page_size=limit - len(found)
        )
    return hydrate(Order, found)


def _expire(order: Order, now: int, settle_charge: Callable[[Order], object]) -> bool:
    """Expire one order; False when it is no longer a lapsed hold (paid, cancelled, already swept)."""
    chairs = list(order.chairs)
    while True:
        transaction = Transaction()
        transaction.update(
            "order",
            order,
            [
                Order.status.set(EXPIRED),
                Order.expired_at.set(now),
                Order.updated_at.set(now),
                Order.hold_shard.remove(),
            ],
            condition=(Order.status == HELD) & (Order.expires_at <= now),
        )
        release_chairs(transaction, order, None, chairs=chairs)
        try:
            transaction.commit()
        except TransactionCancelled as cancelled:
            failed = cancelled.failed()
            if "order" in failed:
                return False
            taken = [chair for chair in chairs if chair in failed]
            if not taken:
                raise
            # Someone else holds those chairs now (the hold had lapsed): leave them be.
            chairs = [chair for chair in chairs if chair not in taken]
            continue
        # A payment that charged and then died before selling left a charge without a sale: refund it.
        settle_charge(order)
        return True


def sweep(settle_charge: Callable[[Order], object]) -> dict[str, int]:
    """Expire up to SweepBatchSize lapsed holds; `settle_charge(order)` after each (an unfinished payment's)."""
    now = now_epoch()
    candidates = lapsed_holds(now, get_settings().sweep_batch_size)
    expired = 0
    for order in candidates:
        try:
            if _expire(order, now, settle_charge):
                expired += 1
        except Exception as error:
            if as_client_answer(error) is None and not isinstance(error, TransactionCancelled):
                raise
            # A transient failure: the order stays a lapsed hold (free for every reader) until the next run.
            logger.warning(
                "could not expire an order this run", extra={"order_id": order.order_id, "error": type(error).__name__}
            )
    metrics.add_metric(name="HoldsExpired", unit=MetricUnit.Count, value=expired)
    logger.info("sweep done", extra={"candidates": len(candidates), "expired": expired})
    return {"candidates": len(candidates), "expired": expired}
