"""GET /me/recommendations: movies to come that the caller has not seen, ranked by what people like them chose."""

from boxoffice import permissions
from boxoffice.events import recommendations
from boxoffice.events.schemas import RecommendationsOut
from boxoffice.http import CurrentIdentity, Router, lambda_handler_for

router = Router()


@router.get(
    "/me/recommendations",
    needs=permissions.MOVIES_VIEW,
    summary="Movies for me, from what people who chose my movies also chose (else what sells now)",
    tags=["movies"],
)
def get_my_recommendations(identity: CurrentIdentity) -> RecommendationsOut:
    return recommendations.for_user(identity.user_id)


lambda_handler = lambda_handler_for(router)
