"""GET /screenings/{screening_id}: one screening."""

from boxoffice import permissions
from boxoffice.catalog import screenings
from boxoffice.catalog.schemas import ScreeningOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/screenings/<screening_id>",
    needs=permissions.PUBLIC,
    answers={404: "No such screening"},
    summary="Read a screening",
    tags=["screenings"],
)
def get_screening(screening_id: OpaqueId) -> ScreeningOut:
    return screenings.get(screening_id)


lambda_handler = lambda_handler_for(router)
