"""POST /users/{user_id}/reset: the user's password and sessions stop working; a new one-time signup code."""

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.auth.schemas import CreatedUserOut
from boxoffice.http import ALWAYS, CurrentIdentity, Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.post(
    "/users/<user_id>/reset",
    needs=permissions.USERS_MANAGE,
    recheck_account=ALWAYS,
    answers={
        403: "GRANT_BEYOND_OWN: the user holds permissions you do not",
        404: "No such user",
        409: "The user changed meanwhile",
    },
    summary="Reset a user's password: give them the new signup code once",
    tags=["users"],
)
def reset_user(user_id: OpaqueId, identity: CurrentIdentity) -> CreatedUserOut:
    return accounts.reset_user(user_id, identity)


lambda_handler = lambda_handler_for(router)
