"""DELETE /movies/{movie_id}: remove a movie and its subscriptions (not while screenings are to come)."""

from aws_lambda_powertools.event_handler import Response

from boxoffice import permissions
from boxoffice.catalog import movies
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.delete(
    "/movies/<movie_id>",
    needs=permissions.MOVIES_DELETE,
    answers={404: "No such movie", 409: "MOVIE_HAS_SCREENINGS"},
    status_code=204,
    summary="Delete a movie",
    tags=["movies"],
)
def delete_movie(movie_id: OpaqueId) -> Response[None]:
    movies.delete(movie_id)
    return Response(status_code=204)


lambda_handler = lambda_handler_for(router)
