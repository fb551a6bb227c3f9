"""GET /screenings: screenings by start time (from now, unless told), optionally one movie's or venue's, or those
of one local day."""

from datetime import date as Date  # `date` is the query parameter's name
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import AwareDatetime

from boxoffice import permissions
from boxoffice.catalog import screenings
from boxoffice.catalog.schemas import ScreeningOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import Cursor, Limit, OpaqueId, Page

router = Router()


@router.get("/screenings", needs=permissions.PUBLIC, summary="List screenings", tags=["screenings"])
def list_screenings(
    movie_id: Annotated[OpaqueId | None, Query()] = None,
    venue_id: Annotated[OpaqueId | None, Query(description="Only this venue's screenings")] = None,
    date: Annotated[
        Date | None,
        Query(description="The venue's local calendar day (the default venue's if none is named); not with from/to"),
    ] = None,
    starts_from: Annotated[AwareDatetime | None, Query(alias="from", description="ISO 8601; default now")] = None,
    starts_before: Annotated[AwareDatetime | None, Query(alias="to", description="ISO 8601, exclusive")] = None,
    limit: Annotated[Limit, Query()] = 20,
    cursor: Annotated[Cursor | None, Query()] = None,
) -> Page[ScreeningOut]:
    return screenings.list_page(limit, cursor, movie_id, starts_from, starts_before, venue_id=venue_id, day=date)


lambda_handler = lambda_handler_for(router)
