"""POST /subscriptions: subscribe a member to a movie on a date (once)."""

from boxoffice import permissions
from boxoffice.catalog import subscriptions
from boxoffice.catalog.schemas import SubscriptionIn, SubscriptionOut
from boxoffice.http import Router, lambda_handler_for

router = Router()


@router.post(
    "/subscriptions",
    needs=permissions.SUBSCRIPTIONS_CREATE,
    answers={404: "No such member or movie", 409: "ALREADY_SUBSCRIBED"},
    status_code=201,
    summary="Subscribe a member to a movie",
    tags=["subscriptions"],
)
def create_subscription(body: SubscriptionIn) -> SubscriptionOut:
    return subscriptions.create(body)


lambda_handler = lambda_handler_for(router)
