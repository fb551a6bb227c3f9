"""Domain events from one committed change: a DynamoDB stream record (NEW_AND_OLD_IMAGES).

Pure functions of the record: the same record always gives the same events
with the same ids, so a redelivered record is recognised (boxoffice.events.publish).
Which table a record comes from is read from its key (each streamed table has
its own key name). Nothing secret leaves here: a login item's password hash and
signup code, a profile's revoked tokens, are never copied into an event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer

from boxoffice.actor import Actor
from boxoffice.clock import iso, now_epoch
from boxoffice.venues import DEFAULT_VENUE_ID
from boxoffice.venues.tax import Line, Rate, by_rate, default_rate, percent_text

SOURCE = "boxoffice"  # every event's EventBridge source
Item = dict[str, Any]
_deserializer = TypeDeserializer()


@dataclass(frozen=True)
class DomainEvent:
    detail_type: str
    detail: dict[str, Any]

    @property
    def event_id(self) -> str:
        return str(self.detail["event_id"])


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, list | set | tuple):
        return [_plain(inner) for inner in value]
    return value


def _image(record: dict[str, Any], which: str) -> Item | None:
    raw = record.get("dynamodb", {}).get(which)
    if raw is None:
        return None
    return {key: _plain(_deserializer.deserialize(value)) for key, value in raw.items()}


class _Change:
    """One stream record, read: its images, who made it, and how to name the events it gives."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record
        self.name = record.get("eventName", "")
        self.old = _image(record, "OldImage")
        self.new = _image(record, "NewImage")
        self.events: list[DomainEvent] = []
        stamp = (self.old or {}).get("deleted_by") if self.name == "REMOVE" else (self.new or {}).get("actor")
        self.actor = Actor.parse(stamp)

    @property
    def item(self) -> Item:
        return self.new if self.new is not None else (self.old or {})

    def changed(self, *names: str) -> bool:
        old, new = self.old or {}, self.new or {}
        return any(old.get(name) != new.get(name) for name in names)

    def emit(self, detail_type: str, at: int | None, **fields: Any) -> None:
        # The change's own id: the stream record's id, and which of its events this is.
        seed = f"{self.record.get('eventID', '')}#{detail_type}#{fields.get('chair', '')}#{len(self.events)}"
        # A change without a time of its own (a deletion) is dated by the stream: the same on every delivery.
        approximate = self.record.get("dynamodb", {}).get("ApproximateCreationDateTime")
        when = int(at) if at else int(float(approximate)) if approximate else now_epoch()
        detail: dict[str, Any] = {
            "event_id": f"{when:010d}-{hashlib.sha256(seed.encode()).hexdigest()[:24]}",
            "schema_version": 1,
            "occurred_at": iso(when),
        }
        if self.actor is not None:
            detail["actor"] = {
                "user_id": self.actor.user_id,
                "username": self.actor.username,
                "address": self.actor.address,
            }
        detail.update({key: value for key, value in fields.items() if value is not None})
        self.events.append(DomainEvent(detail_type, detail))


# ---------------------------------------------------------------- orders
_ORDER_STATUS_EVENTS = {
    "HELD": "OrderHeld",
    "PAID": "OrderPaid",
    "CANCELLED": "OrderCancelled",
    "EXPIRED": "OrderExpired",
    "REFUNDED": "OrderRefunded",
}
_ORDER_STATUS_TIMES = {
    "HELD": "created_at",
    "PAID": "paid_at",
    "CANCELLED": "cancelled_at",
    "EXPIRED": "expired_at",
    "REFUNDED": "refunded_at",
}


def _order_fields(order: Item, chairs: list[str], amount_cents: int) -> dict[str, Any]:
    return {
        "order_id": order["order_id"],
        "user_id": order["user_id"],
        "member_id": order.get("member_id"),
        "screening_id": order["screening_id"],
        "movie_id": order["movie_id"],
        "venue_id": order.get("venue_id") or DEFAULT_VENUE_ID,
        "starts_at": iso(int(order["starts_at"])),
        "status": order["status"],
        "chairs": list(chairs),
        "seats": len(chairs),
        "amount_cents": int(amount_cents),
        "currency": order["currency"],
        "tax": _tax_of(order, chairs),
        "payment_method": order.get("payment_method"),
        "sold_by": order.get("sold_by"),
        "reason": order.get("reason"),
    }


def _tax_of(order: Item, chairs: list[str]) -> list[dict[str, Any]]:
    """The chairs' money per tax rate, as the order's answer splits it (boxoffice.venues.tax)."""
    prices = order.get("chair_prices")
    if prices is None:  # an order from before chair prices: its amount split evenly, the rest on the last chair
        share, rest = divmod(int(order["amount_cents"]), len(order["chairs"]))
        prices = {chair: share + (rest if chair == order["chairs"][-1] else 0) for chair in order["chairs"]}
    code, percent = order.get("tax_code"), order.get("tax_percent")
    rate = Rate(str(code), Decimal(str(percent))) if code is not None and percent is not None else default_rate()
    return [
        {
            "code": total.code,
            "percent": percent_text(total.percent),
            "net_cents": total.net_cents,
            "tax_cents": total.tax_cents,
            "gross_cents": total.gross_cents,
        }
        for total in by_rate(Line(chair, int(prices[chair]), rate) for chair in chairs)
    ]


def _refunded_part(old: Item, new: Item) -> tuple[list[str], int]:
    """The chairs and cents a change refunded: what the order has refunded now and had not before."""
    before = set(old.get("refunded_chairs") or [])
    if new["status"] == "REFUNDED" and not new.get("refunded_chairs"):
        chairs = [chair for chair in new["chairs"] if chair not in before]
        return chairs, int(new["amount_cents"]) - int(old.get("refunded_cents") or 0)
    chairs = [chair for chair in new.get("refunded_chairs") or [] if chair not in before]
    return chairs, int(new.get("refunded_cents") or 0) - int(old.get("refunded_cents") or 0)


def _order_events(change: _Change) -> None:
    old, new = change.old, change.new
    if new is None:
        # Removed by DynamoDB's TTL while still HELD: the hold lapsed and nobody swept it.
        if old is not None and old.get("status") == "HELD":
            expired = {**old, "status": "EXPIRED"}
            change.emit(
                "OrderExpired",
                old.get("expires_at"),
                from_status="HELD",
                **_order_fields(expired, old["chairs"], old["amount_cents"]),
            )
        return
    status, before = new["status"], (old or {}).get("status")
    at = new.get(_ORDER_STATUS_TIMES.get(status, "updated_at")) or new.get("updated_at")
    if status != before:
        if status == "REFUNDED":
            chairs, cents = _refunded_part(old or {}, new)
            change.emit("OrderRefunded", at, from_status=before, **_order_fields(new, chairs, cents))
        elif status in _ORDER_STATUS_EVENTS:
            change.emit(
                _ORDER_STATUS_EVENTS[status],
                at,
                from_status=before,
                **_order_fields(new, new["chairs"], new["amount_cents"]),
            )
    elif status == "PAID" and old is not None and change.changed("refunded_chairs"):
        chairs, cents = _refunded_part(old, new)
        if chairs:
            last = (new.get("refunds") or [{}])[-1]
            change.emit(
                "OrderPartlyRefunded",
                last.get("at") or new.get("updated_at"),
                from_status="PAID",
                **_order_fields(new, chairs, cents),
            )
    old_tickets = (old or {}).get("tickets") or []
    for index, ticket in enumerate(new.get("tickets") or []):
        was = old_tickets[index] if index < len(old_tickets) else {}
        if ticket.get("checked_in_at") and not was.get("checked_in_at"):
            change.emit(
                "TicketCheckedIn",
                ticket["checked_in_at"],
                order_id=new["order_id"],
                screening_id=new["screening_id"],
                movie_id=new["movie_id"],
                chair=ticket["chair"],
                checked_in_by=ticket.get("checked_in_by"),
            )


# ---------------------------------------------------------------- screenings
def _screening_fields(screening: Item, old: Item | None = None) -> dict[str, Any]:
    fields = {
        "screening_id": screening["screening_id"],
        "movie_id": screening["movie_id"],
        "hall_id": screening["hall_id"],
        "starts_at": iso(int(screening["starts_at"])),
        "price_cents": int(screening["price_cents"]),
        "currency": screening["currency"],
        "capacity": int(screening.get("chair_count") or 0),
        "status": screening.get("status", "SCHEDULED"),
        "reason": screening.get("cancel_reason"),
    }
    if old is not None:
        if old.get("starts_at") != screening.get("starts_at"):
            fields["previous_starts_at"] = iso(int(old["starts_at"]))
        if old.get("hall_id") != screening.get("hall_id"):
            fields["previous_hall_id"] = old["hall_id"]
    return fields


def _screening_events(change: _Change) -> None:
    old, new = change.old, change.new
    if new is None:
        change.emit("ScreeningDeleted", None, **_screening_fields(old or {}))
    elif old is None:
        change.emit("ScreeningCreated", new.get("created_at"), **_screening_fields(new))
    elif new.get("status") == "CANCELLED" and old.get("status") != "CANCELLED":
        change.emit("ScreeningCancelled", new.get("cancelled_at"), **_screening_fields(new))
    elif change.changed("starts_at", "hall_id"):
        change.emit("ScreeningRescheduled", new.get("rescheduled_at"), **_screening_fields(new, old))
    elif change.changed("price_cents", "currency", "chair_count", "price_classes"):
        change.emit("ScreeningUpdated", new.get("rescheduled_at") or None, **_screening_fields(new))


# ---------------------------------------------------------------- accounts
def _user_fields(profile: Item) -> dict[str, Any]:
    return {
        "user_id": profile["user_id"],
        "username": profile["username"],
        "account_type": profile.get("account_type"),
        "permissions": sorted(profile.get("permissions") or []),
    }


def _user_events(change: _Change) -> None:
    key = str(change.item.get("user_id", ""))
    if key.startswith("login#"):
        _login_events(change)
        return
    if "#" in key:
        return  # counters (meta#administrators)
    old, new = change.old, change.new
    if new is None:
        change.emit("UserDeleted", None, **_user_fields(old or {}))
        return
    if old is None:
        change.emit("UserCreated", new.get("created_at"), **_user_fields(new))
        return
    at = new.get("updated_at")
    if change.changed("permissions"):
        change.emit(
            "UserPermissionsChanged",
            at,
            previous_permissions=sorted(old.get("permissions") or []),
            **_user_fields(new),
        )
    if change.changed("enabled"):
        change.emit("UserEnabled" if new.get("enabled") else "UserDisabled", at, **_user_fields(new))
    if change.changed("sessions_valid_after") and int(new.get("sessions_valid_after") or 0):
        change.emit("UserSessionsEnded", new.get("sessions_valid_after"), **_user_fields(new))
    if change.changed("first_name", "last_name", "email", "session_timeout_minutes"):
        change.emit("UserUpdated", at, **_user_fields(new))
    if change.changed("last_login_at") and new.get("last_login_at"):
        change.emit("UserSignedIn", new["last_login_at"], **_user_fields(new))


def _login_events(change: _Change) -> None:
    old, new = change.old or {}, change.new
    if new is None:
        return  # its profile's removal says it
    fields = {"user_id": new["owner_id"], "username": str(new["user_id"]).removeprefix("login#")}
    if new.get("password_hash") and not old.get("password_hash") and change.old is not None:
        change.emit("UserSignedUp", None, **fields)
    if int(new.get("throttle_reset_at") or 0) > int(old.get("throttle_reset_at") or 0):
        change.emit("UserUnlocked", new["throttle_reset_at"], **fields)


# ---------------------------------------------------------------- catalog
# What does not make a catalog item "updated": bookkeeping the system keeps on it.
_CATALOG_BOOKKEEPING = {
    "actor",
    "deleted_by",
    "updated_at",
    "schedule_version",
    "last_screening_starts_at",
    "hall_count",
    "version",
    "venue_id",  # a hall never changes venue but once: the migration into the default venue (make migrate)
}


def _catalog_events(entity: str, key: str) -> Callable[[_Change], None]:
    def derive(change: _Change) -> None:
        item = change.item
        fields = {
            "entity": entity,
            "id": item[key],
            "name": item.get("name"),
            "member_id": item.get("member_id"),
            "movie_id": item.get("movie_id"),
            "date": item.get("date"),
        }
        kind = entity.title()
        if change.new is None:
            change.emit(f"{kind}Deleted", None, **fields)
        elif change.old is None:
            change.emit(f"{kind}Created", item.get("created_at"), **fields)
        elif entity != "subscription":
            meaningful = (set(change.old) | set(change.new)) - _CATALOG_BOOKKEEPING
            if change.changed(*meaningful):
                change.emit(f"{kind}Updated", change.new.get("updated_at"), **fields)

    return derive


# Each streamed table by the name of its key.
_BY_KEY: dict[str, Callable[[_Change], None]] = {
    "order_id": _order_events,
    "screening_id": _screening_events,
    "user_id": _user_events,
    "movie_id": _catalog_events("movie", "movie_id"),
    "member_id": _catalog_events("member", "member_id"),
    "hall_id": _catalog_events("hall", "hall_id"),
    "subscription_id": _catalog_events("subscription", "subscription_id"),
    "venue_id": _catalog_events("venue", "venue_id"),
}


def events_of(record: dict[str, Any]) -> list[DomainEvent]:
    """The domain events one stream record means, in order; none for a change that means nothing."""
    keys = record.get("dynamodb", {}).get("Keys", {})
    if len(keys) != 1:
        return []
    derive = _BY_KEY.get(next(iter(keys)))
    if derive is None:
        return []
    change = _Change(record)
    derive(change)
    return change.events
