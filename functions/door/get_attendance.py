"""GET /screenings/{screening_id}/attendance: tickets sold, checked in, and still to come."""

from boxoffice import permissions
from boxoffice.booking import tickets
from boxoffice.booking.schemas import AttendanceOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/screenings/<screening_id>/attendance",
    needs=(permissions.TICKETS_CHECK_IN, permissions.SCREENINGS_MANAGE),
    answers={404: "No such screening"},
    summary="How many ticket holders have come in",
    tags=["door"],
)
def get_attendance(screening_id: OpaqueId) -> AttendanceOut:
    return tickets.attendance(screening_id)


lambda_handler = lambda_handler_for(router)
