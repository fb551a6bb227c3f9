"""POST /webhooks: subscribe a receiver to some event types; the signing secret is in the answer, once."""

from boxoffice import permissions
from boxoffice.events import webhooks
from boxoffice.events.schemas import WebhookCreatedOut, WebhookIn
from boxoffice.http import ALWAYS, CurrentIdentity, Router, lambda_handler_for

router = Router()


@router.post(
    "/webhooks",
    needs=permissions.WEBHOOKS_MANAGE,
    recheck_account=ALWAYS,
    status_code=201,
    answers={
        409: "TOO_MANY_WEBHOOKS",
        422: "WEBHOOK_URL_REFUSED: not https, or a private, loopback or link-local address",
    },
    summary="Add a webhook",
    tags=["webhooks"],
)
def create_webhook(body: WebhookIn, identity: CurrentIdentity) -> WebhookCreatedOut:
    return webhooks.create(body, identity)


lambda_handler = lambda_handler_for(router)
