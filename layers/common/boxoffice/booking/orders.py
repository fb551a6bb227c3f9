"""Holding chairs, reading orders, cancelling holds.

A hold is one TransactWriteItems: the order, one conditional update per chair
(free = not sold and no live hold), and the holder's quota item (conditional
on the version read just before). Nothing is read and then written without a
condition, so two buyers can never both hold a chair, and the per-user cap
holds however many requests race.
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from typing import cast

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from boxoffice import permissions
from boxoffice.booking.answers import to_out
from boxoffice.booking.chairs import price_of, row_of
from boxoffice.booking.schemas import HoldIn, OrderOut
from boxoffice.clock import now_epoch
from boxoffice.errors import Conflict, Forbidden, Invalid, NotFound, TooManyRequests, Unavailable
from boxoffice.identity import Identity
from boxoffice.ids import derived_id, new_id
from boxoffice.limits import Gauge, give_back
from boxoffice.models.base import Transaction, TransactionCancelled, get_many, hydrate
from boxoffice.models.catalog import CANCELLED as CANCELLED_SCREENING
from boxoffice.models.catalog import Member, Screening
from boxoffice.models.chairs import Chair, seat_key
from boxoffice.models.orders import CANCELLED, EXPIRED, HELD, PAID, REFUNDED, HoldQuota, Order, hold_shard
from boxoffice.observability import MetricUnit, logger, metrics
from boxoffice.pagination import MAX_REQUESTS_PER_PAGE, query_page
from boxoffice.schemas import Page
from boxoffice.settings import get_settings
from boxoffice.venues import store as venues
from boxoffice.venues.tax import percent_text

_ATTEMPTS = 3
RATE_WINDOW_SECONDS = 60


def _fingerprint(body: HoldIn) -> str:
    canonical = json.dumps(
        {"screening_id": body.screening_id, "chairs": sorted(body.chairs), "member_id": body.member_id}, sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _quota_actions(quota: HoldQuota | None, order: Order, now: int) -> tuple[list[Action], Condition]:
    """The quota update for a new hold, and its condition (the version read, or "still absent")."""
    entry = {"chairs": len(order.chairs), "expires_at": int(order.expires_at)}
    if quota is None:
        actions: list[Action] = [
            HoldQuota.holds.set({order.order_id: entry}),
            HoldQuota.version.set(1),
            HoldQuota.window_start.set(now),
            HoldQuota.window_holds.set(1),
        ]
        return actions, HoldQuota.user_id.does_not_exist()
    actions = [HoldQuota.holds[order.order_id].set(entry), HoldQuota.version.set(int(quota.version) + 1)]
    actions += [HoldQuota.holds[expired].remove() for expired in quota.expired_orders(now)]
    if now - int(quota.window_start) >= RATE_WINDOW_SECONDS:
        actions += [HoldQuota.window_start.set(now), HoldQuota.window_holds.set(1)]
    else:
        actions.append(HoldQuota.window_holds.set(int(quota.window_holds) + 1))
    return actions, HoldQuota.version == int(quota.version)


def _check_limits(quota: HoldQuota | None, chairs: int, now: int) -> None:
    settings = get_settings()
    if quota is None:
        return
    if now - int(quota.window_start) < RATE_WINDOW_SECONDS and int(quota.window_holds) >= settings.max_holds_per_minute:
        wait = int(quota.window_start) + RATE_WINDOW_SECONDS - now
        raise TooManyRequests(
            "Too many holds in a minute; slow down",
            code="RATE_LIMITED",
            details={"retry_after_seconds": wait},
            headers={"Retry-After": str(wait)},
        )
    held = quota.live_chairs(now)
    if held + chairs > settings.max_held_chairs_per_user:
        wait = max(1, (quota.earliest_expiry(now) or now + 1) - now)
        raise TooManyRequests(
            f"You may hold at most {settings.max_held_chairs_per_user} chairs at once",
            code="TOO_MANY_HELD_CHAIRS",
            details={"held": held, "asked": chairs, "limit": settings.max_held_chairs_per_user},
            headers={"Retry-After": str(wait)},
        )


def _replayed(order_id: str, identity: Identity, fingerprint: str) -> OrderOut:
    """A retried request with the same Idempotency-Key: the first answer, or a 422 if it asked for more."""
    order = Order.get(order_id, consistent_read=True)
    if order.user_id != identity.user_id or order.request_fingerprint != fingerprint:
        raise Invalid("This Idempotency-Key was used for a different request", code="IDEMPOTENCY_KEY_REUSED")
    return to_out(order)


def is_new_account(identity: Identity, now: int) -> bool:
    """Younger than NewAccountHours, or of unknown age (a token of another issuer): limited as new."""
    created = identity.account_created_at
    return created is None or now - created < get_settings().new_account_hours * 3600


def _cross_account_limits(
    identity: Identity,
    screening: Screening,
    client_address: str,
) -> list[tuple[str, Gauge, str, str]]:
    """The limits a customer's hold counts against besides their own quota: (label, gauge, subject, refusal)."""
    settings = get_settings()
    limits = [
        (
            "address-limit",
            Gauge("held-chairs-by-address", settings.max_held_chairs_per_address),
            client_address,
            "ADDRESS_HOLD_LIMIT",
        )
    ]
    if is_new_account(identity, now_epoch()):
        share = math.ceil(int(screening.chair_count or 0) * settings.new_account_share_percent / 100)
        # One new account may always hold what any account may (a one-row hall is not shut to newcomers).
        allowed = max(share, settings.max_held_chairs_per_user)
        limits.append(
            ("new-account-share", Gauge("new-account-chairs", allowed), screening.screening_id, "NEW_ACCOUNT_SHARE")
        )
    return limits


_LIMIT_MESSAGES = {
    "ADDRESS_HOLD_LIMIT": "Too many chairs are held from this address; try again when some of those holds end",
    "NEW_ACCOUNT_SHARE": "New accounts have held their share of this screening for now; try again later",
}


def place_hold(
    identity: Identity, body: HoldIn, idempotency_key: str | None, client_address: str = "unknown"
) -> tuple[OrderOut, bool]:
    """Hold the chairs, all or none. Returns the order and whether this call created it."""
    if body.member_id and not identity.can(permissions.ORDERS_MANAGE):
        raise Forbidden("Selling on behalf of a member needs orders:manage")
    settings = get_settings()
    fingerprint = _fingerprint(body)
    order_id = derived_id("order", identity.user_id, idempotency_key) if idempotency_key else new_id()
    # Staff selling at the box office are not capped; customers are.
    quota_user = None if identity.can(permissions.ORDERS_MANAGE) else identity.user_id
    for _ in range(_ATTEMPTS):
        now = now_epoch()
        wanted = [(Screening, body.screening_id)] + ([(HoldQuota, quota_user)] if quota_user else [])
        found = get_many(*wanted)  # one BatchGetItem; DynamoDB refuses an empty key, so staff read no quota
        screening = cast(Screening | None, found[0])
        quota = cast(HoldQuota | None, found[1] if quota_user else None)
        if screening is None:
            raise NotFound("No such screening", details={"screening_id": body.screening_id})
        if screening.status == CANCELLED_SCREENING:
            raise Conflict("The screening was cancelled", code="SCREENING_CANCELLED")
        if int(screening.starts_at) <= now:
            raise Conflict("The screening has started", code="SCREENING_STARTED")
        if not screening.chairs_ready:
            raise Unavailable(
                "The screening's chairs are still being created", code="NOT_READY", headers={"Retry-After": "2"}
            )
        limits = _cross_account_limits(identity, screening, client_address) if quota_user else []
        if quota_user:
            _check_limits(quota, len(body.chairs), now)
            for _, gauge, _, code in limits:
                if len(body.chairs) > gauge.allowed:
                    raise gauge.refusal(_LIMIT_MESSAGES[code], code, settings.hold_seconds)
        expires_at = now + settings.hold_seconds
        rate = venues.facts_of(screening.venue_id).tax  # fixed with the price, as the hold is made
        prices = {chair: price_of(screening, row_of(chair)) for chair in body.chairs}
        order = Order(
            order_id=order_id,
            user_id=identity.user_id,
            username=identity.username,
            member_id=body.member_id,
            quota_user_id=quota_user,
            screening_id=screening.screening_id,
            movie_id=screening.movie_id,
            movie_name=screening.movie_name,
            hall_name=screening.hall_name,
            venue_id=screening.venue_id,
            timezone=screening.timezone,
            starts_at=int(screening.starts_at),
            tax_code=rate.code,
            tax_percent=percent_text(rate.percent),
            chairs=list(body.chairs),
            amount_cents=sum(prices.values()),
            chair_prices=prices,
            currency=screening.currency,
            status=HELD,
            confirmation_id=secrets.token_urlsafe(24),
            request_fingerprint=fingerprint,
            expires_at=expires_at,
            hold_shard=hold_shard(order_id),
            created_at=now,
            updated_at=now,
            limit_counters=[gauge.counter_id(subject) for _, gauge, subject, _ in limits] or None,
        )
        transaction = Transaction()
        transaction.put("order", order, condition=Order.order_id.does_not_exist())
        for chair_id in body.chairs:
            transaction.update(
                chair_id,
                Chair(screening.screening_id, seat_key(chair_id)),
                [
                    Chair.hold_order_id.set(order_id),
                    Chair.hold_user_id.set(identity.user_id),
                    Chair.hold_expires_at.set(expires_at),
                ],
                condition=Chair.free(now),
            )
        if quota_user:
            actions, condition = _quota_actions(quota, order, now)
            transaction.update("quota", HoldQuota(quota_user), actions, condition=condition)
        # Kept a day past the screening: a gauge must outlive every hold it counts.
        keep_until = int(screening.starts_at) + 86400
        for label, gauge, subject, _ in limits:
            gauge.add_to(transaction, label, subject, len(body.chairs), keep_until)
        if body.member_id:
            transaction.check("member", Member, body.member_id, condition=Member.member_id.exists())
        try:
            transaction.commit()
        except TransactionCancelled as cancelled:
            failed = cancelled.failed()
            if "order" in failed:
                return _replayed(order_id, identity, fingerprint), False
            for label, gauge, _, code in limits:
                if label in failed:
                    metrics.add_metric(name="HoldsRefusedByLimit", unit=MetricUnit.Count, value=1)
                    raise gauge.refusal(_LIMIT_MESSAGES[code], code, 60) from cancelled
            if "member" in failed:
                raise NotFound("No such member", details={"member_id": body.member_id}) from cancelled
            refused = [chair for chair in body.chairs if chair in failed]
            unknown = [chair for chair in refused if failed[chair].old_item is None]
            if unknown:
                raise NotFound(
                    "No such chairs in this screening", code="UNKNOWN_CHAIRS", details={"chairs": unknown}
                ) from cancelled
            if refused:
                metrics.add_metric(name="HoldConflicts", unit=MetricUnit.Count, value=1)
                raise Conflict(
                    "Some chairs are taken", code="CHAIR_UNAVAILABLE", details={"chairs": refused}
                ) from cancelled
            if "quota" in failed or cancelled.retryable:
                continue  # another hold of the same user, or a conflicting transaction: read again
            raise
        metrics.add_metric(name="HoldsPlaced", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name="ChairsHeld", unit=MetricUnit.Count, value=len(body.chairs))
        logger.info("hold placed", extra={"order_id": order_id, "chairs": len(body.chairs)})
        return to_out(order, now), True
    raise Unavailable("Too much is happening at once; try again", code="BUSY", headers={"Retry-After": "1"})


def _sees_every_order(identity: Identity) -> bool:
    return identity.can(permissions.ORDERS_VIEW_ALL)


def find(order_id: str, identity: Identity, *, manage: bool = False) -> Order:
    """The order if the caller may see it (or act on it, with `manage`); someone else's is a 404."""
    try:
        order = Order.get(order_id, consistent_read=True)
    except Order.DoesNotExist:
        order = None
    if order is None or not (
        order.user_id == identity.user_id
        or (identity.can(permissions.ORDERS_MANAGE) if manage else _sees_every_order(identity))
    ):
        raise NotFound("No such order", details={"order_id": order_id})
    return order


def get(order_id: str, identity: Identity) -> OrderOut:
    return to_out(find(order_id, identity))


def list_page(
    identity: Identity,
    limit: int,
    cursor: str | None,
    status: str | None,
    screening_id: str | None,
    member_id: str | None = None,
) -> Page[OrderOut]:
    """Newest first. Without a member or a screening, the caller's own orders (staff's too: their My orders);
    customers see only theirs, narrowed by either; orders:view-all sees everyone's by member or screening (the
    other as a filter). A status is matched on the orders themselves, as of now (a lapsed hold is EXPIRED
    before the sweeper says so): the indexes hold only what never changes."""
    now = now_epoch()
    condition: Condition | None = None
    if not _sees_every_order(identity) or not (member_id or screening_id):
        index, hash_value = Order.by_user, identity.user_id
        narrowing = [
            *([Order.screening_id == screening_id] if screening_id else []),
            *([Order.member_id == member_id] if member_id else []),
        ]
        for part in narrowing:
            condition = part if condition is None else condition & part
    elif member_id:
        index, hash_value = Order.by_member, member_id
        if screening_id:
            condition = Order.screening_id == screening_id
    else:
        index, hash_value = Order.by_screening, str(screening_id)  # the first branch took the case of neither
    matched: list[Order] = []
    next_cursor = cursor
    for _ in range(MAX_REQUESTS_PER_PAGE):
        found, next_cursor = query_page(
            Order,
            index,
            hash_value,
            limit=limit - len(matched),
            cursor=next_cursor,
            filter_condition=condition,
            newest_first=True,
        )
        matched += [order for order in hydrate(Order, found) if status is None or order.status_now(now) == status]
        if next_cursor is None or len(matched) >= limit:
            break
    return Page[OrderOut](items=[to_out(order, now) for order in matched], next_cursor=next_cursor)


def release_chairs(
    transaction: Transaction,
    order: Order,
    now: int | None,
    *,
    chairs: list[str] | None = None,
    quota: bool = True,
) -> None:
    """Take the order's hold off its chairs (only while it is this order's hold), out of the quota (unless
    `quota` is False: see forget_hold) and the gauges of boxoffice.limits (the hold is over, whichever chairs
    are named)."""
    for chair_id in order.chairs if chairs is None else chairs:
        condition = Chair.held_by(order.order_id, now) if now is not None else Chair.hold_order_id == order.order_id
        transaction.update(
            chair_id,
            Chair(order.screening_id, seat_key(chair_id)),
            [Chair.hold_order_id.remove(), Chair.hold_user_id.remove(), Chair.hold_expires_at.remove()],
            condition=condition,
        )
    if order.quota_user_id and quota:
        transaction.update(
            "quota",
            HoldQuota(order.quota_user_id),
            [HoldQuota.holds[order.order_id].remove()],
            condition=HoldQuota.user_id.exists(),
        )
    for counter_id in order.limit_counters or []:
        give_back(transaction, counter_id, len(order.chairs))


def forget_hold(order: Order) -> None:
    """Take a sold order out of its buyer's quota: one plain UpdateItem after the sale, not a part of it.

    An entry lapses on its own at the hold's expiry (the quota counts live entries only), so if this write
    fails the buyer is merely held to the cap a few minutes longer; inside the sale it cost two write units.
    """
    if not order.quota_user_id:
        return
    try:
        HoldQuota(order.quota_user_id).update(
            actions=[HoldQuota.holds[order.order_id].remove()], condition=HoldQuota.user_id.exists()
        )
    except Exception as error:  # best effort: the entry expires anyway
        logger.warning("quota entry left to lapse", extra={"order_id": order.order_id, "error": type(error).__name__})


def commit_or_current(transaction: Transaction, order_id: str) -> Order | None:
    """Commit a change of an order: None once done, or the order as it is now if its condition failed.

    A conflict or throttling is raised as it is: the edge answers 503/429, and a retry is safe.
    """
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        if cancelled.retryable:
            raise
        return Order.get(order_id, consistent_read=True)
    return None


def cancel(order_id: str, identity: Identity, reason: str | None = None) -> OrderOut:
    """Cancel a live hold: its chairs are free at once. Cancelling twice answers the same order."""
    order = find(order_id, identity, manage=True)
    now = now_epoch()
    status = order.status_now(now)
    if status == CANCELLED:
        return to_out(order, now)
    if status in (PAID, REFUNDED):
        raise Conflict("A paid order is refunded, not cancelled", code="ORDER_PAID")
    if status == EXPIRED:
        raise Conflict("The hold has expired", code="HOLD_EXPIRED")
    transaction = Transaction()
    transaction.update(
        "order",
        order,
        [
            Order.status.set(CANCELLED),
            Order.cancelled_at.set(now),
            Order.updated_at.set(now),
            Order.hold_shard.remove(),
            *([Order.reason.set(reason)] if reason else []),
        ],
        condition=(Order.status == HELD) & (Order.expires_at > now),
    )
    release_chairs(transaction, order, now)
    current = commit_or_current(transaction, order_id)
    if current is not None:  # it changed meanwhile (paid, expired, cancelled by someone else)
        if current.status_now(now_epoch()) == CANCELLED:
            return to_out(current)
        raise Conflict(f"The order is {current.status_now(now_epoch())} now", code="ORDER_CHANGED")
    order.status, order.cancelled_at, order.updated_at, order.reason = CANCELLED, now, now, reason
    metrics.add_metric(name="HoldsCancelled", unit=MetricUnit.Count, value=1)
    return to_out(order, now)
