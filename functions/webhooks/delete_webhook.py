"""DELETE /webhooks/{webhook_id}: stop sending to a receiver."""

from aws_lambda_powertools.event_handler import Response

from boxoffice import permissions
from boxoffice.events import webhooks
from boxoffice.http import ALWAYS, Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.delete(
    "/webhooks/<webhook_id>",
    needs=permissions.WEBHOOKS_MANAGE,
    recheck_account=ALWAYS,
    answers={404: "No such webhook"},
    status_code=204,
    summary="Delete a webhook",
    tags=["webhooks"],
)
def delete_webhook(webhook_id: OpaqueId) -> Response[None]:
    webhooks.delete(webhook_id)
    return Response(status_code=204)


lambda_handler = lambda_handler_for(router)
