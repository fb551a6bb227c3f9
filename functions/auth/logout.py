"""POST /auth/logout: the token this request carries stops working; the account's other sessions go on."""

from aws_lambda_powertools.event_handler import Response

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.http import CurrentIdentity, Router, lambda_handler_for

router = Router()


@router.post(
    "/auth/logout",
    needs=permissions.AUTHENTICATED,
    answers={409: "EXTERNAL: a token of another identity provider"},
    status_code=204,
    summary="Sign out: this token stops working",
    tags=["auth"],
)
def logout(identity: CurrentIdentity) -> Response[None]:
    accounts.logout(identity)
    return Response(status_code=204)


lambda_handler = lambda_handler_for(router)
