"""POST /movies: add a movie to the catalog."""

from boxoffice import permissions
from boxoffice.catalog import movies
from boxoffice.catalog.schemas import MovieIn, MovieOut
from boxoffice.http import Router, lambda_handler_for

router = Router()


@router.post("/movies", needs=permissions.MOVIES_CREATE, status_code=201, summary="Add a movie", tags=["movies"])
def create_movie(body: MovieIn) -> MovieOut:
    return movies.create(body)


lambda_handler = lambda_handler_for(router)
