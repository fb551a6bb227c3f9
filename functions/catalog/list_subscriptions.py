"""GET /subscriptions?member_id=&movie_id=: a member's or a movie's subscriptions, by date."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from boxoffice import permissions
from boxoffice.catalog import subscriptions
from boxoffice.catalog.schemas import SubscriptionOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import Cursor, Limit, OpaqueId, Page

router = Router()


@router.get(
    "/subscriptions",
    needs=permissions.SUBSCRIPTIONS_VIEW,
    summary="List a member's or a movie's subscriptions",
    tags=["subscriptions"],
)
def list_subscriptions(
    member_id: Annotated[OpaqueId | None, Query()] = None,
    movie_id: Annotated[OpaqueId | None, Query()] = None,
    limit: Annotated[Limit, Query()] = 20,
    cursor: Annotated[Cursor | None, Query()] = None,
) -> Page[SubscriptionOut]:
    return subscriptions.list_for(member_id, movie_id, limit, cursor)


lambda_handler = lambda_handler_for(router)
