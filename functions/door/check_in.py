"""POST /tickets/{code}/check-in: admit a ticket at the door, once."""

from boxoffice import permissions
from boxoffice.booking import tickets
from boxoffice.booking.schemas import CheckInIn, CheckInOut, TicketCode
from boxoffice.http import CurrentIdentity, Router, lambda_handler_for

router = Router()


@router.post(
    "/tickets/<code>/check-in",
    needs=permissions.TICKETS_CHECK_IN,
    answers={
        404: "No such ticket",
        409: "ALREADY_CHECKED_IN (when and by whom), TICKET_NOT_VALID (refunded or cancelled), WRONG_SCREENING",
    },
    summary="Check a ticket in at the door (each ticket is admitted once)",
    tags=["door"],
)
def check_in(code: TicketCode, body: CheckInIn, identity: CurrentIdentity) -> CheckInOut:
    return tickets.check_in(code, body.screening_id, identity)


lambda_handler = lambda_handler_for(router)
