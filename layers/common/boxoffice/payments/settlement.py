"""Settling a cancelled screening: every live hold cancelled, every sale refunded, each exactly once.

Cancelling a screening (boxoffice.catalog.screenings.cancel) flips it to
CANCELLED and sets `pending`; nothing else. This worker runs every minute (and
on demand), finds such screenings in the sparse `by_pending` index, and
settles them:

- The chairs (the base table, read strongly consistent) name every order that
  holds or bought one: unlike an index, they cannot miss a hold committed a
  moment before the cancellation.
- Each order is settled through the same code a person would use: a live hold
  is cancelled, a sale refunded (every chair left; the provider's refund keyed
  per order and chairs, so a retry never refunds twice). Both are conditional,
  so a payment racing with the worker either loses (the hold is cancelled) or
  wins and is refunded on the next pass.
- An order a pass could not settle (the provider down: a refund recorded, its
  chairs freed, the money not yet sent) is remembered on the screening
  (`unsettled_orders`), since the chairs no longer name it.
- The screening stays `pending` until a pass finds nothing left to settle, and
  not before FINAL_PASS_SECONDS after the cancellation: a hold that read the
  screening just before it was cancelled commits within its function's
  timeout, and is caught then.

A crash anywhere leaves `pending` set and every settled order settled: the next
run goes on from there. A run stops taking new orders when its time is nearly
up and leaves the rest to the next one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from boxoffice import permissions
from boxoffice.booking import chairs as chair_store
from boxoffice.booking.chairs import price_of
from boxoffice.booking.orders import cancel
from boxoffice.clock import now_epoch
from boxoffice.errors import DomainError
from boxoffice.identity import Identity
from boxoffice.models.catalog import REBUILD, RESCHEDULE, SETTLE, Hall, Screening
from boxoffice.models.chairs import Chair
from boxoffice.models.orders import HELD, PAID, REFUNDED, Order
from boxoffice.observability import MetricUnit, logger, metrics
from boxoffice.payments.pay import SCREENING_CANCELLED
from boxoffice.payments.refunds import refund_order

SCREENING_MOVED = "SCREENING_MOVED"  # an order that slipped into a screening as it changed halls
FINAL_PASS_SECONDS = 120  # longer than any function that read the screening before it was cancelled can run
SETTLER = Identity(
    user_id="system:settlement",
    username="settlement",
    permissions=frozenset({permissions.ORDERS_MANAGE, permissions.ORDERS_VIEW_ALL}),
)


@dataclass
class Report:
    screenings: int = 0
    cancelled: int = 0
    refunded: int = 0
    failed: int = 0
    finished: list[str] = field(default_factory=list)


def _settle_order(order_id: str, report: Report, reason: str = SCREENING_CANCELLED) -> bool:
    """Cancel or refund one order; True once it needs nothing more."""
    order = Order.get(order_id, consistent_read=True)
    status = order.status_now(now_epoch())
    try:
        if status == HELD:
            cancel(order_id, SETTLER, reason=reason)
            report.cancelled += 1
        elif status == PAID:
            refund_order(order_id, SETTLER, reason=reason)
            report.refunded += 1
        elif status == REFUNDED:
            refund_order(order_id, SETTLER)  # finishes a provider refund still pending; nothing if done
    except DomainError as refused:
        # Changed meanwhile (paid, expired...) or the provider is down: the next pass looks again.
        logger.warning("order not settled yet", extra={"order_id": order_id, "code": refused.code})
        report.failed += 1
        return False
    return True


def _remember(unsettled: set[str]) -> Action:
    """Keep the orders a pass could not settle on the screening (one run at a time: reserved concurrency 1)."""
    return Screening.unsettled_orders.set(unsettled) if unsettled else Screening.unsettled_orders.remove()


def settle(screening: Screening, time_left: Callable[[], float], report: Report) -> bool:
    """One pass over a cancelled screening's orders; True when it is fully settled."""
    left = 0
    remembered = set(screening.unsettled_orders or ())
    unsettled: set[str] = set()
    for order_id in sorted(chair_store.orders_on(screening.screening_id) | remembered):
        if time_left() < 10:
            left += 1
            if order_id in remembered:  # not on the chairs any more: only this list keeps it
                unsettled.add(order_id)
            continue
        if not _settle_order(order_id, report):
            left += 1
            unsettled.add(order_id)
    now = now_epoch()
    done = left == 0 and now >= int(screening.cancelled_at or 0) + FINAL_PASS_SECONDS
    actions: list[Action] = [Screening.orders_to_settle.set(left), _remember(unsettled)]
    if done:
        actions += [Screening.pending.remove(), Screening.settled_at.set(now)]
    try:
        screening.update(actions=actions, condition=Screening.pending == SETTLE)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    if done:
        report.finished.append(screening.screening_id)
        logger.info("screening settled", extra={"screening_id": screening.screening_id})
    return done


def apply_schedule(screening: Screening, time_left: Callable[[], float], report: Report) -> bool:
    """Copy a rescheduled screening's time to its orders and its prices to its seat map; True when done."""
    finished = True
    orders: set[str] = set()
    for chair in Chair.query(screening.screening_id, consistent_read=True):
        orders |= chair.order_ids()
        price = price_of(screening, chair.row)
        if int(chair.price_cents) != price:
            chair.update(actions=[Chair.price_cents.set(price)])
    for order_id in sorted(orders):
        if time_left() < 10:
            finished = False
            break
        with contextlib.suppress(UpdateError):  # gone meanwhile (an expired hold deleted by TTL)
            Order(order_id).update(
                actions=[Order.starts_at.set(int(screening.starts_at))],
                condition=Order.order_id.exists() & (Order.starts_at != int(screening.starts_at)),
            )
    now = now_epoch()
    done = finished and now >= int(screening.rescheduled_at or 0) + FINAL_PASS_SECONDS
    if done:
        try:  # only if nothing changed it again meanwhile (then the next run copies the newer schedule)
            screening.update(
                actions=[Screening.pending.remove()],
                condition=(Screening.pending == RESCHEDULE) & (Screening.rescheduled_at == screening.rescheduled_at),
            )
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        report.finished.append(screening.screening_id)
    return done


def rebuild_chairs(screening: Screening, time_left: Callable[[], float], report: Report) -> bool:
    """Lay out a screening that moved hall: the old chairs go, the new hall's come, then holds open again.

    The move was allowed only with no order on any chair; an order that slipped in (its hold read the screening
    just before the move) is cancelled or refunded first, as for a cancelled screening."""
    old = list(Chair.query(screening.screening_id, consistent_read=True))
    taken = chair_store.remove_free(old)
    remembered = set(screening.unsettled_orders or ())
    slipped_in = set().union(*(chair.order_ids() for chair in taken)) | remembered
    unsettled = {order_id for order_id in sorted(slipped_in) if not _settle_order(order_id, report, SCREENING_MOVED)}
    if unsettled != remembered:
        with contextlib.suppress(UpdateError):  # moved again meanwhile: the next run reads it afresh
            screening.update(actions=[_remember(unsettled)], condition=Screening.pending == REBUILD)
    if taken or unsettled:
        return False  # the next run deletes what the settled orders freed, and retries what failed
    hall = Hall.get(screening.hall_id, consistent_read=True)
    chair_store.create_missing(chair_store.chairs_from_layout(screening, hall))
    try:
        screening.update(
            actions=[Screening.chairs_ready.set(True), Screening.pending.set(RESCHEDULE)],
            condition=(Screening.pending == REBUILD) & (Screening.rescheduled_at == screening.rescheduled_at),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    # Then as any reschedule: its orders (none, or those just settled) learn the time, until the last look.
    return apply_schedule(screening, time_left, report)


def settle_pending(time_left: Callable[[], float]) -> Report:
    """Settle every cancelled screening with orders left, and copy every new schedule, as far as time allows."""
    report = Report()
    for job, work in ((SETTLE, settle), (REBUILD, rebuild_chairs), (RESCHEDULE, apply_schedule)):
        for screening in Screening.by_pending.query(job):
            if time_left() < 10:
                break
            report.screenings += 1
            work(Screening.get(screening.screening_id, consistent_read=True), time_left, report)
    metrics.add_metric(name="SettlementCancelled", unit=MetricUnit.Count, value=report.cancelled)
    metrics.add_metric(name="SettlementRefunded", unit=MetricUnit.Count, value=report.refunded)
    return report
