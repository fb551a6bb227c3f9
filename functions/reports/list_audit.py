"""GET /audit?actor=&action=&since=&until=: staff actions and sign-ins, newest first."""

from datetime import datetime, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from boxoffice import permissions
from boxoffice.clock import now
from boxoffice.events import audit
from boxoffice.events.schemas import AuditEntryOut, EventType
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import Cursor, Limit, OpaqueId, Page

router = Router()


@router.get(
    "/audit",
    needs=permissions.AUDIT_VIEW,
    answers={422: "INVALID_RANGE: `until` before `since`, or more than 400 days"},
    summary="The audit log: who did what, when, to what, from where",
    tags=["audit"],
)
def list_audit(
    actor: Annotated[OpaqueId | None, Query(description="Only this user's actions (a user id)")] = None,
    action: Annotated[EventType | None, Query(description="Only this kind of action (an event type)")] = None,
    since: Annotated[datetime | None, Query(description="ISO 8601; default 30 days before `until`")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601; default now")] = None,
    limit: Annotated[Limit, Query()] = 50,
    cursor: Annotated[Cursor | None, Query()] = None,
) -> Page[AuditEntryOut]:
    end = until or now()
    start = since or end - timedelta(days=30)
    return audit.search(actor=actor, action=action, since=start, until=end, limit=limit, cursor=cursor)


lambda_handler = lambda_handler_for(router)
