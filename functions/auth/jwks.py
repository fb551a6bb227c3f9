"""GET /.well-known/jwks.json: the public keys that verify our access tokens."""

from boxoffice import permissions
from boxoffice.auth.keys import key_ring
from boxoffice.http import Router, lambda_handler_for

router = Router()


@router.get(
    "/.well-known/jwks.json",
    needs=permissions.PUBLIC,
    summary="Public keys (JWKS) that verify access tokens",
    tags=["auth"],
    cache_control="public, max-age=300",
)
def get_jwks() -> dict:
    return key_ring.jwks()


lambda_handler = lambda_handler_for(router)
