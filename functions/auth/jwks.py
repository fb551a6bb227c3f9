"""GET /.well-known/jwks.json: the public keys that verify our access tokens (RS256) and tickets' QR codes (ES256)."""

from boxoffice import permissions
from boxoffice.auth.keys import key_ring
from boxoffice.booking.ticket_key import ticket_key
from boxoffice.http import Router, lambda_handler_for

router = Router()


@router.get(
    "/.well-known/jwks.json",
    needs=permissions.PUBLIC,
    summary="Public keys (JWKS) that verify access tokens and tickets",
    tags=["auth"],
    cache_control="public, max-age=300",
)
def get_jwks() -> dict:
    return {"keys": [*key_ring.jwks()["keys"], ticket_key.jwk()]}


lambda_handler = lambda_handler_for(router)
