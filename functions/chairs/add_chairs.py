"""POST /screenings/{screening_id}/chairs: add chairs (never overwriting one); priced as their row."""

from boxoffice import permissions
from boxoffice.booking.chairs import add
from boxoffice.booking.schemas import AddChairsIn, ChairOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.models.chairs import AVAILABLE
from boxoffice.schemas import OpaqueId

router = Router()


@router.post(
    "/screenings/<screening_id>/chairs",
    needs=permissions.SCREENINGS_MANAGE,
    answers={404: "No such screening", 409: "CHAIR_EXISTS"},
    status_code=201,
    summary="Add chairs to a screening",
    tags=["chairs"],
)
def add_chairs(screening_id: OpaqueId, body: AddChairsIn) -> list[ChairOut]:
    return [ChairOut.of(chair, AVAILABLE) for chair in add(screening_id, body.chairs)]


lambda_handler = lambda_handler_for(router)
