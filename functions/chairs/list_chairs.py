"""GET /screenings/{screening_id}/chairs: the seat map, each chair AVAILABLE, HELD or SOLD as of now."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import Field

from boxoffice import permissions
from boxoffice.booking.chairs import seat_map
from boxoffice.booking.schemas import ChairOut, ChairStatus
from boxoffice.clock import now_epoch
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import Cursor, OpaqueId, Page

router = Router()


@router.get(
    "/screenings/<screening_id>/chairs",
    needs=permissions.PUBLIC,
    answers={404: "No such screening"},
    summary="The seat map of a screening",
    tags=["chairs"],
)
def list_chairs(
    screening_id: OpaqueId,
    status: Annotated[ChairStatus | None, Query(description="Only chairs in this state")] = None,
    limit: Annotated[int, Query(), Field(ge=1, le=1000)] = 500,
    cursor: Annotated[Cursor | None, Query()] = None,
) -> Page[ChairOut]:
    chairs, next_cursor = seat_map(screening_id, status, limit, cursor)
    now = now_epoch()
    return Page[ChairOut](
        items=[ChairOut.of(chair, chair.status(now)) for chair in chairs],
        next_cursor=next_cursor,
    )


lambda_handler = lambda_handler_for(router)
