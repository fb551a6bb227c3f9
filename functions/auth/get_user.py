"""GET /users/{user_id}: one account, with its login lock."""

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.auth.schemas import UserOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/users/<user_id>",
    needs=permissions.USERS_MANAGE,
    answers={404: "No such user"},
    summary="Read an account",
    tags=["users"],
)
def get_user(user_id: OpaqueId) -> UserOut:
    return accounts.get_user(user_id)


lambda_handler = lambda_handler_for(router)
