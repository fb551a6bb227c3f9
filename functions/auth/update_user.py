"""PUT /users/{user_id}: names, email, session length, permissions, enabled, unlock."""

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.auth.schemas import UpdateUserIn, UserOut
from boxoffice.http import ALWAYS, CurrentIdentity, Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.put(
    "/users/<user_id>",
    needs=permissions.USERS_MANAGE,
    recheck_account=ALWAYS,
    answers={
        403: "SELF_GRANT or GRANT_BEYOND_OWN",
        404: "No such user",
        409: "LAST_ADMINISTRATOR or CONCURRENT_UPDATE",
    },
    summary="Change an account",
    tags=["users"],
)
def update_user(user_id: OpaqueId, body: UpdateUserIn, identity: CurrentIdentity) -> UserOut:
    return accounts.update_user(user_id, body, identity)


lambda_handler = lambda_handler_for(router)
