"""GET /movies/{movie_id}: one movie."""

from boxoffice import permissions
from boxoffice.catalog import movies
from boxoffice.catalog.schemas import MovieOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/movies/<movie_id>",
    needs=permissions.PUBLIC,
    answers={404: "No such movie"},
    summary="Read a movie",
    tags=["movies"],
)
def get_movie(movie_id: OpaqueId) -> MovieOut:
    return movies.get(movie_id)


lambda_handler = lambda_handler_for(router)
