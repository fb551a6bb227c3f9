"""PUT /venues/{venue_id}: change a venue's name, business day, tax rates or address (its time zone and
currency only while it has no halls)."""

from boxoffice import permissions
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId
from boxoffice.venues import store
from boxoffice.venues.schemas import VenueOut, VenueUpdateIn

router = Router()


@router.put(
    "/venues/<venue_id>",
    needs=permissions.VENUES_MANAGE,
    answers={
        404: "No such venue",
        409: "VENUE_IN_USE: the time zone or currency of a venue with halls; or CONCURRENT_UPDATE",
    },
    summary="Change a venue",
    tags=["venues"],
)
def update_venue(venue_id: OpaqueId, body: VenueUpdateIn) -> VenueOut:
    return store.update(venue_id, body)


lambda_handler = lambda_handler_for(router)
