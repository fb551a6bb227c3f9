"""DELETE /users/{user_id}: remove an account; its tokens stop working."""

from aws_lambda_powertools.event_handler import Response

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.http import ALWAYS, CurrentIdentity, Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.delete(
    "/users/<user_id>",
    needs=permissions.USERS_MANAGE,
    recheck_account=ALWAYS,
    answers={404: "No such user", 409: "LAST_ADMINISTRATOR"},
    status_code=204,
    summary="Delete an account",
    tags=["users"],
)
def delete_user(user_id: OpaqueId, identity: CurrentIdentity) -> Response[None]:
    accounts.delete_user(user_id, identity)
    return Response(status_code=204)


lambda_handler = lambda_handler_for(router)
