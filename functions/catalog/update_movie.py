"""PUT /movies/{movie_id}: replace a movie's details."""

from boxoffice import permissions
from boxoffice.catalog import movies
from boxoffice.catalog.schemas import MovieIn, MovieOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.put(
    "/movies/<movie_id>",
    needs=permissions.MOVIES_UPDATE,
    answers={404: "No such movie"},
    summary="Replace a movie's details",
    tags=["movies"],
)
def update_movie(movie_id: OpaqueId, body: MovieIn) -> MovieOut:
    return movies.replace(movie_id, body)


lambda_handler = lambda_handler_for(router)
