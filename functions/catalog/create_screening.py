"""POST /screenings: a movie in a hall at a time, with its chairs (safe to retry)."""

from boxoffice import permissions
from boxoffice.catalog import screenings
from boxoffice.catalog.schemas import ScreeningIn, ScreeningOut
from boxoffice.http import Router, lambda_handler_for

router = Router()


@router.post(
    "/screenings",
    needs=permissions.SCREENINGS_MANAGE,
    answers={404: "No such movie or hall", 409: "SCREENING_OVERLAP"},
    status_code=201,
    summary="Schedule a screening and create its chairs",
    tags=["screenings"],
)
def create_screening(body: ScreeningIn) -> ScreeningOut:
    screening, _ = screenings.create(body)
    return screening


lambda_handler = lambda_handler_for(router)
