"""POST /venues: a cinema of the chain, with its time zone, business day, currency and tax rates."""

from boxoffice import permissions
from boxoffice.http import Router, lambda_handler_for
from boxoffice.venues import store
from boxoffice.venues.schemas import VenueIn, VenueOut

router = Router()


@router.post(
    "/venues",
    needs=permissions.VENUES_MANAGE,
    status_code=201,
    answers={422: "A field is missing or wrong: an unknown time zone or currency names its field"},
    summary="Add a venue",
    tags=["venues"],
)
def create_venue(body: VenueIn) -> VenueOut:
    return store.create(body)


lambda_handler = lambda_handler_for(router)
