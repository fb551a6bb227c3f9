"""GET /movies: the catalog by name; filter by genre and by a name prefix."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from boxoffice import permissions
from boxoffice.catalog import movies
from boxoffice.catalog.schemas import MovieOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import Cursor, Limit, Name, Page

router = Router()


@router.get("/movies", needs=permissions.PUBLIC, summary="List movies", tags=["movies"])
def list_movies(
    limit: Annotated[Limit, Query()] = 20,
    cursor: Annotated[Cursor | None, Query()] = None,
    genre: Annotated[Name | None, Query(description="Only movies of this genre")] = None,
    name: Annotated[Name | None, Query(description="Only movies whose name starts with this")] = None,
) -> Page[MovieOut]:
    return movies.list_page(limit, cursor, genre, name)


lambda_handler = lambda_handler_for(router)
