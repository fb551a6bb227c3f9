"""Refunds: a paid order back to REFUNDED and its chairs AVAILABLE, and the money back, once."""

from __future__ import annotations

from pynamodb.exceptions import DeleteError
from pynamodb.expressions.update import Action

from boxoffice import permissions
from boxoffice.booking.answers import to_out
from boxoffice.booking.orders import commit_or_current, find
from boxoffice.booking.schemas import OrderOut
from boxoffice.catalog.subscriptions import subscription_id, watch_date
from boxoffice.clock import iso, now_epoch
from boxoffice.errors import Conflict, Invalid, Unavailable
from boxoffice.identity import Identity
from boxoffice.models.base import Transaction
from boxoffice.models.catalog import Subscription
from boxoffice.models.chairs import Chair, seat_key
from boxoffice.models.orders import PAID, REFUNDED, Order, RefundEntry
from boxoffice.models.till import BOX_OFFICE_METHODS
from boxoffice.observability import MetricUnit, logger, metrics
from boxoffice.payments import till
from boxoffice.payments.charges import refund_key
from boxoffice.payments.configured import get_provider
from boxoffice.payments.provider import ProviderUnavailableError
from boxoffice.settings import get_settings


def _provider_refund(order: Order, amount_cents: int, key: str) -> str:
    """The provider's refund id (idempotent by `key`); a 503 REFUND_PENDING if it does not answer."""
    try:
        return (
            get_provider().refund(charge_id=order.charge_id, amount_cents=amount_cents, idempotency_key=key).refund_id
        )
    except ProviderUnavailableError as failure:
        raise Unavailable(
            "The refund is recorded; the payment provider did not answer, so call again to finish it",
            code="REFUND_PENDING",
            headers={"Retry-After": "5"},
        ) from failure


def _send(order: Order, index: int) -> Order:
    """Ask the provider for refund `index` of the order and note it done; the order."""
    entry = (order.refunds or [])[index]
    refund_id = _provider_refund(order, int(entry.amount_cents), entry.key)
    # PynamoDB types an indexed list element as a bare Path; at run time it has the element's attributes.
    order.update(actions=[Order.refunds[index].refund_id.set(refund_id)])  # type: ignore[attr-defined]
    return order


def _finish_pending(order: Order, chairs: set[str] | None = None) -> Order:
    """Send the refunds recorded but not yet confirmed by the provider (those of `chairs`, or all)."""
    if order.status == REFUNDED and not order.refunds:  # refunded whole before partial refunds existed
        if not order.refund_id:
            refund_id = _provider_refund(order, int(order.amount_cents), refund_key(order.charge_key))
            order.update(actions=[Order.refund_id.set(refund_id)])
        return order
    for index, entry in enumerate(order.refunds or []):
        if entry.refund_id is None and (chairs is None or chairs & set(entry.chairs)):
            order = _send(order, index)
    return order


def _forget_the_watch(order: Order) -> None:
    """A refunded sale is not watch history (unless something else recorded that subscription)."""
    if not order.member_id:
        return
    watch = Subscription(
        subscription_id(order.member_id, order.movie_id, watch_date(int(order.starts_at), order.timezone))
    )
    try:
        watch.delete(condition=Subscription.order_id == order.order_id)
    except DeleteError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            logger.warning("watch history not removed", extra={"order_id": order.order_id})


def _chairs_to_refund(order: Order, chairs: list[str] | None) -> list[str]:
    """The chairs a request asks back: those named (each of the order), or every one not yet refunded."""
    if chairs is None:
        return [chair for chair in order.chairs if chair not in set(order.refunded_chairs or [])]
    strangers = sorted(set(chairs) - set(order.chairs))
    if strangers:
        raise Invalid("These chairs are not in the order", code="CHAIRS_NOT_IN_ORDER", details={"chairs": strangers})
    return sorted(set(chairs))


def _refund_key(order: Order, chairs: list[str]) -> str:
    """One provider key per set of chairs: a retried request refunds once, another set is another refund."""
    whole = refund_key(order.charge_key)
    return whole if set(chairs) == set(order.chairs) else f"{whole}:{','.join(sorted(chairs))}"


def refund_order(
    order_id: str, identity: Identity, chairs: list[str] | None = None, reason: str | None = None
) -> Order:
    """Give back some chairs of a paid order (or all that are left): the chairs free, their tickets void,
    their price refunded once; the order is REFUNDED when no chair is left. Asking again answers the same."""
    order = find(order_id, identity, manage=True)
    now = now_epoch()
    wanted = _chairs_to_refund(order, chairs)
    refunded = set(order.refunded_chairs or [])
    if order.status == REFUNDED or (wanted and set(wanted) <= refunded):
        return _finish_pending(order, set(wanted) or None)  # a repeat: finish what is pending
    if order.status != PAID:
        raise Conflict("Only a paid order can be refunded", code="NOT_PAID")
    if refunded & set(wanted):
        raise Conflict(
            "Some of these chairs were refunded already",
            code="ALREADY_REFUNDED",
            details={"chairs": sorted(refunded & set(wanted))},
        )
    if not identity.can(permissions.ORDERS_MANAGE):
        cutoff = int(order.starts_at) - get_settings().refund_cutoff_minutes * 60
        if now >= cutoff:
            raise Conflict(
                "Refunds close before the screening; ask the box office",
                code="REFUND_WINDOW_CLOSED",
                details={"closed_at": iso(cutoff)},
            )
    amount = sum(order.price_of_chair(chair) for chair in wanted)
    at_the_counter = order.payment_method in BOX_OFFICE_METHODS
    entry = RefundEntry(key=_refund_key(order, wanted), chairs=wanted, amount_cents=amount, at=now)
    if at_the_counter:  # the money goes back over the counter, now: nothing for the provider to do
        entry.refund_id = f"{order.payment_method}-refund"
    everything = refunded | set(wanted) == set(order.chairs)
    actions: list[Action] = [
        Order.refunded_chairs.set((Order.refunded_chairs | []).append(wanted)),
        Order.refunded_cents.set((Order.refunded_cents | 0) + amount),
        Order.refunds.set((Order.refunds | []).append([entry])),
        Order.updated_at.set(now),
        *(
            Order.tickets[index].refunded_at.set(now)  # type: ignore[attr-defined]  # as in _send
            for index, ticket in enumerate(order.tickets or [])
            if ticket.chair in wanted
        ),
    ]
    if everything:
        actions += [Order.status.set(REFUNDED), Order.refunded_at.set(now)]
    if reason:
        actions.append(Order.reason.set(reason))
    condition = Order.status == PAID
    for chair in wanted:
        condition &= ~Order.refunded_chairs.contains(chair)
    transaction = Transaction()
    transaction.update("order", order, actions, condition=condition)
    for chair_id in wanted:
        transaction.update(
            chair_id,
            Chair(order.screening_id, seat_key(chair_id)),
            [Chair.sold_order_id.remove()],
            condition=Chair.sold_order_id == order.order_id,
        )
    if at_the_counter or order.sold_by:
        till.count(
            transaction,
            at=now,
            venue_id=order.venue_id,
            staff_id=identity.user_id,
            username=identity.username,
            method=str(order.payment_method),
            currency=order.currency,
            refunded=order.lines(wanted),
        )
    current = commit_or_current(transaction, order_id)
    if current is not None:  # it changed meanwhile (the same chairs refunded by someone else, ...)
        if set(wanted) <= set(current.refunded_chairs or []):
            return _finish_pending(current, set(wanted))
        raise Conflict(f"The order changed meanwhile ({current.status}); read it again", code="ORDER_CHANGED")
    metrics.add_metric(name="Refunds", unit=MetricUnit.Count, value=1)
    # What the transaction wrote, applied to the copy in hand (no read back).
    order.refunded_chairs = [*(order.refunded_chairs or []), *wanted]
    order.refunded_cents = int(order.refunded_cents or 0) + amount
    order.refunds = [*(order.refunds or []), entry]
    order.updated_at = now
    for ticket in order.tickets or []:
        if ticket.chair in wanted:
            ticket.refunded_at = now
    if everything:
        order.status, order.refunded_at = REFUNDED, now
    order.reason = reason or order.reason
    if not at_the_counter:
        order = _send(order, len(order.refunds) - 1)
    if everything:
        _forget_the_watch(order)
    return order


def refund(order_id: str, identity: Identity, chairs: list[str] | None = None, reason: str | None = None) -> OrderOut:
    """refund_order, answered as the API answers an order (its tickets' QRs signed)."""
    return to_out(refund_order(order_id, identity, chairs, reason))
