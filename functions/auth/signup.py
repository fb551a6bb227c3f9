"""POST /auth/signup: the person behind a staff account chooses its first password."""

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.auth.schemas import SignupIn, SignupOut
from boxoffice.http import Router, lambda_handler_for

router = Router()


@router.post(
    "/auth/signup", needs=permissions.PUBLIC, summary="Set the first password of a staff account", tags=["auth"]
)
def signup(body: SignupIn) -> SignupOut:
    return accounts.signup(body)


lambda_handler = lambda_handler_for(router)
