"""DELETE /subscriptions/{subscription_id}: remove a subscription."""

from aws_lambda_powertools.event_handler import Response

from boxoffice import permissions
from boxoffice.catalog import subscriptions
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.delete(
    "/subscriptions/<subscription_id>",
    needs=permissions.SUBSCRIPTIONS_DELETE,
    answers={404: "No such subscription"},
    status_code=204,
    summary="Delete a subscription",
    tags=["subscriptions"],
)
def delete_subscription(subscription_id: OpaqueId) -> Response[None]:
    subscriptions.delete(subscription_id)
    return Response(status_code=204)


lambda_handler = lambda_handler_for(router)
