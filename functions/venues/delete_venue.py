"""DELETE /venues/{venue_id}: remove a venue that has no halls."""

from aws_lambda_powertools.event_handler import Response

from boxoffice import permissions
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId
from boxoffice.venues import store

router = Router()


@router.delete(
    "/venues/<venue_id>",
    needs=permissions.VENUES_MANAGE,
    answers={404: "No such venue", 409: "VENUE_IN_USE: it has halls"},
    status_code=204,
    summary="Delete a venue",
    tags=["venues"],
)
def delete_venue(venue_id: OpaqueId) -> Response[None]:
    store.delete(venue_id)
    return Response(status_code=204)


lambda_handler = lambda_handler_for(router)
