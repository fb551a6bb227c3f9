"""PUT /screenings/{screening_id}: move a screening to another time, or change its prices."""

from boxoffice import permissions
from boxoffice.catalog import screenings
from boxoffice.catalog.schemas import ScreeningOut, ScreeningUpdateIn
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.put(
    "/screenings/<screening_id>",
    needs=permissions.SCREENINGS_MANAGE,
    answers={
        404: "No such screening",
        409: "SCREENING_OVERLAP (the hall is busy then), SCREENING_CANCELLED or SCREENING_STARTED",
        422: "STARTS_IN_THE_PAST, or nothing to change",
    },
    summary="Reschedule a screening (ticket holders keep their chairs) or change its prices (for later holds)",
    tags=["screenings"],
)
def update_screening(screening_id: OpaqueId, body: ScreeningUpdateIn) -> ScreeningOut:
    return screenings.update(screening_id, body)


lambda_handler = lambda_handler_for(router)
