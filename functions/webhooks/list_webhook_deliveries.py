"""GET /webhooks/{webhook_id}/deliveries: what was sent, tried, delivered or dead-lettered, newest first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from boxoffice import permissions
from boxoffice.events import webhooks
from boxoffice.events.schemas import DeliveryOut
from boxoffice.http import ALWAYS, Router, lambda_handler_for
from boxoffice.schemas import Cursor, Limit, OpaqueId, Page

router = Router()


@router.get(
    "/webhooks/<webhook_id>/deliveries",
    needs=permissions.WEBHOOKS_MANAGE,
    recheck_account=ALWAYS,
    answers={404: "No such webhook"},
    summary="A webhook's deliveries",
    tags=["webhooks"],
)
def list_webhook_deliveries(
    webhook_id: OpaqueId,
    limit: Annotated[Limit, Query()] = 20,
    cursor: Annotated[Cursor | None, Query()] = None,
) -> Page[DeliveryOut]:
    return webhooks.deliveries(webhook_id, limit, cursor)


lambda_handler = lambda_handler_for(router)
