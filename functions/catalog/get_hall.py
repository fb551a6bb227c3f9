"""GET /halls/{hall_id}: one hall and its layout."""

from boxoffice import permissions
from boxoffice.catalog import halls
from boxoffice.catalog.schemas import HallOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/halls/<hall_id>",
    needs=permissions.PUBLIC,
    answers={404: "No such hall"},
    summary="Read a hall and its layout",
    tags=["halls"],
)
def get_hall(hall_id: OpaqueId) -> HallOut:
    return halls.get(hall_id)


lambda_handler = lambda_handler_for(router)
