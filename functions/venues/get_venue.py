"""GET /venues/{venue_id}: one venue, for anyone."""

from boxoffice import permissions
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId
from boxoffice.venues import store
from boxoffice.venues.schemas import VenueOut

router = Router()


@router.get(
    "/venues/<venue_id>",
    needs=permissions.PUBLIC,
    answers={404: "No such venue"},
    summary="Read a venue",
    tags=["venues"],
)
def get_venue(venue_id: OpaqueId) -> VenueOut:
    return store.get(venue_id)


lambda_handler = lambda_handler_for(router)
