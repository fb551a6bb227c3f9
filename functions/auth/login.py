"""POST /auth/login: an access token for a username and password."""

from aws_lambda_powertools.event_handler.request import Request

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.auth.discovery import issuer_url
from boxoffice.auth.schemas import LoginIn, TokenOut
from boxoffice.http import ClientAddress, Router, http_event, lambda_handler_for

router = Router()


@router.post(
    "/auth/login",
    needs=permissions.PUBLIC,
    answers={
        401: "INVALID_CREDENTIALS (the same for every failure)",
        429: "LOGIN_THROTTLED (failures from this address; Retry-After) or RATE_LIMITED",
    },
    summary="Log in: an access token for the user's session length",
    tags=["auth"],
)
def login(body: LoginIn, request: Request, client_address: ClientAddress) -> TokenOut:
    return accounts.login(body, issuer_url(http_event(request).request_context.domain_name), client_address)


lambda_handler = lambda_handler_for(router)
