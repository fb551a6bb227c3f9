"""PUT /halls/{hall_id}: rename a hall or lay it out anew (for screenings created afterwards)."""

from boxoffice import permissions
from boxoffice.catalog import halls
from boxoffice.catalog.schemas import HallOut, HallUpdateIn
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.put(
    "/halls/<hall_id>",
    needs=permissions.SCREENINGS_MANAGE,
    answers={404: "No such hall", 409: "CONCURRENT_UPDATE"},
    summary="Rename a hall or change its layout (screenings already made keep theirs)",
    tags=["halls"],
)
def update_hall(hall_id: OpaqueId, body: HallUpdateIn) -> HallOut:
    return halls.update(hall_id, body)


lambda_handler = lambda_handler_for(router)
