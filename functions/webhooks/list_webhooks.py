"""GET /webhooks: every webhook (never its secret)."""

from boxoffice import permissions
from boxoffice.events import webhooks
from boxoffice.events.schemas import WebhookOut
from boxoffice.http import ALWAYS, Router, lambda_handler_for
from boxoffice.schemas import Page

router = Router()


@router.get(
    "/webhooks",
    needs=permissions.WEBHOOKS_MANAGE,
    recheck_account=ALWAYS,
    summary="List the webhooks",
    tags=["webhooks"],
)
def list_webhooks() -> Page[WebhookOut]:
    return webhooks.list_webhooks()


lambda_handler = lambda_handler_for(router)
