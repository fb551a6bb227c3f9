"""GET /me: the caller's own profile, permissions and session end."""

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.auth.schemas import MeOut
from boxoffice.http import CurrentIdentity, Router, lambda_handler_for

router = Router()


@router.get(
    "/me",
    needs=permissions.AUTHENTICATED,
    answers={404: "The account no longer exists"},
    summary="Your profile, permissions and when your session ends",
    tags=["auth"],
)
def get_me(identity: CurrentIdentity) -> MeOut:
    return accounts.me(identity, identity.session_ends_at, identity.issuer)


lambda_handler = lambda_handler_for(router)
