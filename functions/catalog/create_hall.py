"""POST /halls: a hall and its seat layout."""

from boxoffice import permissions
from boxoffice.catalog import halls
from boxoffice.catalog.schemas import HallIn, HallOut
from boxoffice.http import Router, lambda_handler_for

router = Router()


@router.post(
    "/halls",
    needs=permissions.SCREENINGS_MANAGE,
    status_code=201,
    summary="Add a hall with its seat layout",
    tags=["halls"],
)
def create_hall(body: HallIn) -> HallOut:
    return halls.create(body)


lambda_handler = lambda_handler_for(router)
