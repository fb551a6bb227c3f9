"""The audit log: every staff action and every sign-in, from the domain events that carry an actor.

Entries are written once (a put conditional on the event's id) and never
changed: no function's policy may update or delete them (a template test
checks), and DynamoDB's TTL removes them after AuditRetentionDays.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError

from boxoffice.clock import iso
from boxoffice.errors import Invalid
from boxoffice.events.schemas import AuditEntryOut
from boxoffice.models.insights import AUDIT_LOG, AuditEntry
from boxoffice.pagination import query_page
from boxoffice.schemas import Page
from boxoffice.settings import get_settings

# A customer's own hold, payment or cancellation is trade, not an action on someone else's behalf.
_OWN_TRADE = {"OrderHeld", "OrderPaid", "OrderCancelled"}
MAX_RANGE_DAYS = 400


def is_audited(detail_type: str, detail: dict[str, Any]) -> bool:
    """Everything a person did, but a customer's own trade; a box office sale (a member's, or at the counter:
    `sold_by`) is staff work and is kept."""
    actor = detail.get("actor")
    if not actor:
        return False
    at_the_box_office = bool(detail.get("sold_by") or detail.get("member_id"))
    own = detail_type in _OWN_TRADE and actor.get("user_id") == detail.get("user_id")
    return at_the_box_office or not own


def _target(detail_type: str, detail: dict[str, Any]) -> tuple[str, str]:
    if detail_type.startswith("Order"):
        return "order", str(detail["order_id"])
    if detail_type == "TicketCheckedIn":
        return "ticket", f"{detail['order_id']}/{detail['chair']}"
    if detail_type.startswith("Screening"):
        return "screening", str(detail["screening_id"])
    if detail_type.startswith("User"):
        return "user", str(detail["user_id"])
    return str(detail.get("entity", "unknown")), str(detail.get("id", ""))


def record(detail_type: str, detail: dict[str, Any]) -> bool:
    """Keep one audit entry for an event; False if it is not audited or was kept before."""
    if not is_audited(detail_type, detail):
        return False
    at = int(datetime.fromisoformat(str(detail["occurred_at"]).replace("Z", "+00:00")).timestamp())
    actor = detail["actor"]
    target_type, target_id = _target(detail_type, detail)
    summary = {key: value for key, value in detail.items() if key != "actor"}
    entry = AuditEntry(
        detail["event_id"],
        log=AUDIT_LOG,
        entry=f"{at:010d}#{detail['event_id']}",
        at=at,
        action=detail_type,
        actor_id=str(actor["user_id"]),
        actor_name=str(actor.get("username", "")),
        address=str(actor.get("address", "")),
        target_type=target_type,
        target_id=target_id,
        summary=json.dumps(summary, separators=(",", ":")),
        expires_at=at + get_settings().audit_retention_days * 86400,
    )
    try:
        entry.save(condition=AuditEntry.event_id.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _out(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        event_id=entry.event_id,
        at=iso(entry.at),
        action=entry.action,
        actor={"user_id": entry.actor_id, "username": entry.actor_name, "address": entry.address},
        target={"type": entry.target_type, "id": entry.target_id},
        detail=json.loads(entry.summary),
    )


def search(
    *,
    actor: str | None,
    action: str | None,
    since: datetime,
    until: datetime,
    limit: int,
    cursor: str | None,
) -> Page[AuditEntryOut]:
    """Newest first, one Query a page: by actor (user id), by action, or everything, between since and until."""
    if until < since:
        raise Invalid("`until` is before `since`", code="INVALID_RANGE")
    if (until - since).days > MAX_RANGE_DAYS:
        raise Invalid(f"At most {MAX_RANGE_DAYS} days at once", code="INVALID_RANGE")
    between = AuditEntry.entry.between(f"{int(since.timestamp()):010d}#", f"{int(until.timestamp()):010d}#~")
    if actor:
        index, partition = AuditEntry.by_actor, actor
        filtered = AuditEntry.action == action if action else None
    elif action:
        index, partition, filtered = AuditEntry.by_action, action, None
    else:
        index, partition, filtered = AuditEntry.by_time, AUDIT_LOG, None
    entries, next_cursor = query_page(
        AuditEntry,
        index,
        partition,
        limit=limit,
        cursor=cursor,
        range_condition=between,
        filter_condition=filtered,
        newest_first=True,
    )
    return Page[AuditEntryOut](items=[_out(entry) for entry in entries], next_cursor=next_cursor)
