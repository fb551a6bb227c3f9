"""Movies: the catalog the cinema shows."""

from __future__ import annotations

from boxoffice.catalog import subscriptions
from boxoffice.catalog.common import name_key, prefix_key
from boxoffice.catalog.schemas import MovieIn, MovieOut
from boxoffice.clock import iso, now_epoch
from boxoffice.errors import Conflict
from boxoffice.ids import new_id
from boxoffice.models.base import get_or_404
from boxoffice.models.catalog import Movie
from boxoffice.pagination import query_page
from boxoffice.schemas import Page


def to_out(movie: Movie) -> MovieOut:
    return MovieOut(
        movie_id=movie.movie_id,
        name=movie.name,
        genres=list(movie.genres),
        premiered=movie.premiered,
        runtime_minutes=int(movie.runtime_minutes),
        image_url=movie.image_url,
        description=movie.description,
        created_at=iso(movie.created_at),
        updated_at=iso(movie.updated_at),
    )


def _fields(body: MovieIn) -> dict:
    return {
        "name": body.name,
        "genres": sorted(set(body.genres)),
        "premiered": body.premiered.isoformat(),
        "runtime_minutes": body.runtime_minutes,
        "image_url": str(body.image_url) if body.image_url else None,
        "description": body.description,
    }


def create(body: MovieIn) -> MovieOut:
    now = now_epoch()
    movie_id = new_id()
    movie = Movie(
        movie_id=movie_id, name_key=name_key(body.name, movie_id), created_at=now, updated_at=now, **_fields(body)
    )
    movie.save(condition=Movie.movie_id.does_not_exist())
    return to_out(movie)


def get(movie_id: str) -> MovieOut:
    return to_out(get_or_404(Movie, movie_id, "movie"))


def replace(movie_id: str, body: MovieIn) -> MovieOut:
    movie = get_or_404(Movie, movie_id, "movie")
    fields = _fields(body)
    actions = [
        getattr(Movie, name).set(value) if value is not None else getattr(Movie, name).remove()
        for name, value in fields.items()
    ]
    actions += [Movie.name_key.set(name_key(body.name, movie_id)), Movie.updated_at.set(now_epoch())]
    movie.update(actions=actions, condition=Movie.movie_id.exists())
    return to_out(movie)


def delete(movie_id: str) -> None:
    """Remove a movie and its subscriptions; refused while it has screenings still to come."""
    movie = get_or_404(Movie, movie_id, "movie")
    now = now_epoch()
    try:
        movie.delete(
            condition=Movie.last_screening_starts_at.does_not_exist() | (Movie.last_screening_starts_at <= now)
        )
    except Exception as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            raise Conflict("The movie has screenings that have not started", code="MOVIE_HAS_SCREENINGS") from error
        raise
    subscriptions.delete_all("by_movie", movie_id)


def list_page(limit: int, cursor: str | None, genre: str | None, name: str | None) -> Page[MovieOut]:
    """By name; `name` keeps the names starting with it, `genre` the movies of that genre."""
    movies, next_cursor = query_page(
        Movie,
        Movie.by_name,
        "MOVIE",
        limit=limit,
        cursor=cursor,
        range_condition=Movie.name_key.startswith(prefix_key(name)) if name else None,
        filter_condition=Movie.genres.contains(genre.strip().lower()) if genre else None,
    )
    return Page[MovieOut](items=[to_out(movie) for movie in movies], next_cursor=next_cursor)
