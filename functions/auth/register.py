"""POST /auth/register: a customer account with the default permissions."""

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.auth.schemas import RegisterIn, UserOut
from boxoffice.http import ClientAddress, Router, lambda_handler_for

router = Router()


@router.post(
    "/auth/register",
    needs=permissions.PUBLIC,
    answers={409: "USERNAME_TAKEN", 429: "TOO_MANY_REGISTRATIONS from this address"},
    status_code=201,
    summary="Register a customer account",
    tags=["auth"],
)
def register(body: RegisterIn, client_address: ClientAddress) -> UserOut:
    return accounts.register_customer(body, client_address)


lambda_handler = lambda_handler_for(router)
