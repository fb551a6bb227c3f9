"""POST /me/password: a new password for your own account; every session issued before it ends."""

from aws_lambda_powertools.event_handler import Response

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.auth.schemas import PasswordChangeIn
from boxoffice.http import ALWAYS, CurrentIdentity, Router, lambda_handler_for

router = Router()


@router.post(
    "/me/password",
    needs=permissions.AUTHENTICATED,
    recheck_account=ALWAYS,
    answers={
        403: "WRONG_PASSWORD: the current password is wrong",
        409: "EXTERNAL (a token of another identity provider), or changed meanwhile",
        422: "SAME_PASSWORD, or a new password too short or too long",
        429: "PASSWORD_THROTTLED: too many wrong current passwords",
    },
    status_code=204,
    summary="Change your password (then sign in again: every earlier token stops working)",
    tags=["auth"],
)
def change_password(body: PasswordChangeIn, identity: CurrentIdentity) -> Response[None]:
    accounts.change_password(identity, body)
    return Response(status_code=204)


lambda_handler = lambda_handler_for(router)
