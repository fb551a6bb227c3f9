"""GET /movies/{movie_id}/recommendations: people who bought or subscribed to this movie also chose ..."""

from boxoffice import permissions
from boxoffice.events import recommendations
from boxoffice.events.schemas import RecommendationsOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/movies/<movie_id>/recommendations",
    needs=permissions.MOVIES_VIEW,
    answers={404: "No such movie"},
    summary="Movies chosen by those who chose this one",
    tags=["movies"],
)
def get_movie_recommendations(movie_id: OpaqueId) -> RecommendationsOut:
    return recommendations.for_movie(movie_id)


lambda_handler = lambda_handler_for(router)
