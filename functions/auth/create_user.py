"""POST /users: an administrator creates a staff account and gets its one-time signup code."""

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.auth.schemas import CreatedUserOut, CreateUserIn
from boxoffice.http import ALWAYS, CurrentIdentity, Router, lambda_handler_for

router = Router()


@router.post(
    "/users",
    needs=permissions.USERS_MANAGE,
    recheck_account=ALWAYS,
    answers={403: "GRANT_BEYOND_OWN (naming the permissions)", 409: "USERNAME_TAKEN"},
    status_code=201,
    summary="Create a staff account",
    tags=["users"],
)
def create_user(body: CreateUserIn, identity: CurrentIdentity) -> CreatedUserOut:
    return accounts.create_staff(body, identity)


lambda_handler = lambda_handler_for(router)
