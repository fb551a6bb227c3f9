"""DELETE /halls/{hall_id}: remove a hall that has no screening still to come."""

from aws_lambda_powertools.event_handler import Response

from boxoffice import permissions
from boxoffice.catalog import halls
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.delete(
    "/halls/<hall_id>",
    needs=permissions.SCREENINGS_MANAGE,
    answers={404: "No such hall", 409: "HALL_IN_USE: screenings still to come; or CONCURRENT_UPDATE"},
    status_code=204,
    summary="Delete a hall",
    tags=["halls"],
)
def delete_hall(hall_id: OpaqueId) -> Response[None]:
    halls.delete(hall_id)
    return Response(status_code=204)


lambda_handler = lambda_handler_for(router)
