"""Tickets at the door: each admitted once, whatever the number of doors scanning it.

A ticket's code is `<order_id>.<index>.<secret>`: the order and the ticket's
place in it say where the ticket lives, the secret (128 random bits) is what
makes the code a ticket. Admitting one is a single conditional UpdateItem on
its order: the code must match, the order must be PAID for this screening and
the ticket not yet admitted. When the condition fails, DynamoDB hands back the
order as it was, which says why, so a refusal costs no extra read.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any, cast

from botocore.exceptions import ClientError

from boxoffice import aws
from boxoffice.actor import Actor, current_stamp
from boxoffice.booking.schemas import AttendanceOut, CheckInOut
from boxoffice.booking.ticket_key import ticket_key
from boxoffice.clock import iso, now_epoch
from boxoffice.errors import Conflict, NotFound
from boxoffice.identity import Identity
from boxoffice.models.base import get_or_404, hydrate
from boxoffice.models.catalog import Screening
from boxoffice.models.orders import PAID, Order
from boxoffice.observability import MetricUnit, metrics
from boxoffice.pagination import query_page

_CODE = re.compile(r"^(?P<order_id>[0-9a-f]{32})\.(?P<index>[0-9]{1,2})\.(?P<secret>[A-Za-z0-9_-]{22})$")
TICKET_JWS_TYPE = "boxoffice-ticket+jws"


def new_code(order_id: str, index: int) -> str:
    return f"{order_id}.{index}.{secrets.token_urlsafe(16)}"


@dataclass(frozen=True)
class _Code:
    order_id: str
    index: int


def _parse(code: str) -> _Code:
    match = _CODE.match(code)
    if not match:
        raise NotFound("No such ticket")
    return _Code(match["order_id"], int(match["index"]))


def ticket_claims(order: Order, index: int, code: str, now: int) -> dict[str, Any]:
    """What a ticket's QR says, for a scanner that checks it offline."""
    return {
        "typ": "ticket",
        "tkt": code,
        "ord": order.order_id,
        "scr": order.screening_id,
        "chr": order.chairs[index],
        "mov": order.movie_name,
        "hal": order.hall_name,
        "iat": now,
    }


def ticket_qr(order: Order, index: int) -> str:
    """The ticket as a compact JWS (ES256) a scanner verifies offline with the JWKS. Computed when the order is
    answered, never stored: the signature is deterministic, so it is the same on every read."""
    claims = ticket_claims(order, index, order.tickets[index].code, int(order.paid_at or order.updated_at))
    return ticket_key.sign(claims, TICKET_JWS_TYPE)


def check_in(code: str, screening_id: str, by: Identity) -> CheckInOut:
    where = _parse(code)
    now = now_epoch()
    ticket = f"tickets[{where.index}]"
    try:
        answer = aws.client("dynamodb").update_item(
            TableName=Order.Meta.table_name,
            Key={"order_id": {"S": where.order_id}},
            # `actor`: the change says who admitted the ticket (boxoffice.actor; the TicketCheckedIn event's actor).
            UpdateExpression=f"SET {ticket}.checked_in_at = :now, {ticket}.checked_in_by = :by, actor = :actor",
            ConditionExpression=(
                f"{ticket}.code = :code AND attribute_not_exists({ticket}.checked_in_at)"
                f" AND attribute_not_exists({ticket}.refunded_at) AND #status = :paid AND screening_id = :screening"
            ),
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={
                ":now": {"N": str(now)},
                ":by": {"S": by.username},
                ":actor": {"S": current_stamp() or Actor(by.user_id, by.username, "unknown").stamp()},
                ":code": {"S": code},
                ":paid": {"S": PAID},
                ":screening": {"S": screening_id},
            },
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as error:
        failure = error.response.get("Error", {})
        if failure.get("Code") == "ValidationException" and "document path" in failure.get("Message", ""):
            raise NotFound("No such ticket") from None  # a ticket index past the order's tickets
        if failure.get("Code") != "ConditionalCheckFailedException":
            raise
        old_item = cast(dict[str, Any] | None, error.response.get("Item"))
        raise _refusal(old_item, where, code, screening_id) from None
    order = Order.from_raw_data(answer["Attributes"])
    metrics.add_metric(name="TicketsCheckedIn", unit=MetricUnit.Count, value=1)
    return CheckInOut(chair=order.chairs[where.index], order_id=order.order_id, checked_in_at=iso(now))


def _refusal(item: dict[str, Any] | None, where: _Code, code: str, screening_id: str) -> Exception:
    """Why the admission's condition failed, read from the order as it was."""
    order = Order.from_raw_data(item) if item else None
    tickets = (order.tickets or []) if order else []
    if order is None or where.index >= len(tickets) or not secrets.compare_digest(tickets[where.index].code, code):
        return NotFound("No such ticket")
    ticket = tickets[where.index]
    if order.status != PAID or ticket.refunded_at:
        return Conflict(
            "This ticket is not valid: its order was refunded or cancelled",
            code="TICKET_NOT_VALID",
            details={"order_status": order.status},
        )
    if order.screening_id != screening_id:
        return Conflict(
            "This ticket is for another screening",
            code="WRONG_SCREENING",
            details={"screening_id": order.screening_id, "movie_name": order.movie_name},
        )
    metrics.add_metric(name="TicketsScannedTwice", unit=MetricUnit.Count, value=1)
    return Conflict(
        "This ticket was already checked in",
        code="ALREADY_CHECKED_IN",
        details={"checked_in_at": iso(ticket.checked_in_at or 0), "checked_in_by": ticket.checked_in_by},
    )


def attendance(screening_id: str) -> AttendanceOut:
    """Counted from the screening's orders (a Query and a BatchGetItem per 100); tickets of PAID orders only."""
    get_or_404(Screening, screening_id, "screening")
    sold = checked_in = 0
    cursor: str | None = None
    while True:
        found, cursor = query_page(Order, Order.by_screening, screening_id, limit=100, cursor=cursor)
        for order in hydrate(Order, found, consistent_read=False):
            if order.status == PAID:
                valid = [ticket for ticket in order.tickets or [] if not ticket.refunded_at]
                sold += len(valid)
                checked_in += sum(1 for ticket in valid if ticket.checked_in_at)
        if cursor is None:
            break
    return AttendanceOut(screening_id=screening_id, sold=sold, checked_in=checked_in, to_come=sold - checked_in)
