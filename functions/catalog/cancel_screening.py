"""POST /screenings/{screening_id}/cancel: cancel a screening now; its orders are settled in the background."""

from boxoffice import permissions
from boxoffice.catalog import screenings
from boxoffice.catalog.schemas import CancelScreeningIn, ScreeningOut
from boxoffice.http import ALWAYS, Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.post(
    "/screenings/<screening_id>/cancel",
    needs=permissions.SCREENINGS_MANAGE,
    recheck_account=ALWAYS,
    answers={404: "No such screening", 409: "SCREENING_OVER"},
    status_code=202,
    summary="Cancel a screening: no new holds; every hold cancelled and every sale refunded in the background",
    tags=["screenings"],
    description="GET /screenings/{id} shows the progress (orders_to_settle, then settled_at).",
)
def cancel_screening(screening_id: OpaqueId, body: CancelScreeningIn) -> ScreeningOut:
    return screenings.cancel(screening_id, body.reason)


lambda_handler = lambda_handler_for(router)
