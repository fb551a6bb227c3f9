"""GET /halls: the cinema's halls by name."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from boxoffice import permissions
from boxoffice.catalog import halls
from boxoffice.catalog.schemas import HallOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import Cursor, Limit, Page

router = Router()


@router.get("/halls", needs=permissions.SCREENINGS_VIEW, summary="List halls", tags=["halls"])
def list_halls(
    limit: Annotated[Limit, Query()] = 20, cursor: Annotated[Cursor | None, Query()] = None
) -> Page[HallOut]:
    return halls.list_page(limit, cursor)


lambda_handler = lambda_handler_for(router)
