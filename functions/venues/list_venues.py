"""GET /venues: the chain's venues by name, for anyone (customers pick a cinema before signing in)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from boxoffice import permissions
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import Cursor, Limit, Page
from boxoffice.venues import store
from boxoffice.venues.schemas import VenueOut

router = Router()


@router.get("/venues", needs=permissions.PUBLIC, summary="List venues", tags=["venues"])
def list_venues(
    limit: Annotated[Limit, Query()] = 20, cursor: Annotated[Cursor | None, Query()] = None
) -> Page[VenueOut]:
    return store.list_page(limit, cursor)


lambda_handler = lambda_handler_for(router)
