"""The Lambda REQUEST authorizer's decision (payload 2.0, simple responses): who is calling, and with what.

- no or unverifiable token, or an account that is gone, disabled, signed out
  or changed its password since -> Unauthenticated (API Gateway answers 401);
- otherwise isAuthorized true, with the caller's id, username and effective
  permissions (what the token says, cut to what the account holds now) in the
  context every handler takes its identity from.

The answer is the same for every route, so API Gateway caches it per token
(the Authorization header is the only identity source) for
AuthorizerCacheSeconds (60 s by default): a booking's three requests cost one
invocation and one read. Routes that move money or change who may do what
judge the account again on every request (boxoffice.edge.standing, and
`recheck_account` in boxoffice.http). Whether the caller may use the route is
decided by the function itself (boxoffice.http checks the route's declared
permissions before any handler code runs), which also answers a refusal in the
API's own error shape.
"""

from __future__ import annotations

import os
from typing import Any

from boxoffice import permissions as perms
from boxoffice.clock import clock
from boxoffice.edge import aws, standing
from boxoffice.edge.tokens import InvalidToken, TokenVerifier, VerifiedToken


class Unauthenticated(Exception):
    pass


verifier = TokenVerifier()


def bearer_token(event: dict[str, Any]) -> str | None:
    headers = {str(name).lower(): value for name, value in (event.get("headers") or {}).items()}
    scheme, _, token = str(headers.get("authorization") or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 8192:
        return None
    return token


def issuer_url(domain_name: str | None) -> str:
    """The configured issuer, or the API's own https origin (as boxoffice.auth.discovery says)."""
    configured = os.environ.get("ISSUER_URL", "").rstrip("/")
    if configured:
        return configured
    return f"https://{domain_name}" if domain_name else ""


def _profile(user_id: str) -> dict[str, Any] | None:
    """The account's security state: one eventually consistent GetItem of the attributes standing reads."""
    found = aws.call(
        "dynamodb",
        "GetItem",
        {"TableName": os.environ["USERS_TABLE"], "Key": {"user_id": {"S": user_id}}, **standing.projection()},
    )
    return found.get("Item")


def _current_permissions(verified: VerifiedToken) -> tuple[frozenset[str], int | None]:
    """Our tokens: what the token says, cut to what the account holds now, and when the account was made."""
    if verified.issuer_kind != "boxoffice":
        return perms.expand(verified.granted()), None
    item = _profile(verified.subject)
    state = standing.Standing.from_item(item) if item is not None else None
    try:
        permissions = standing.permissions_now(state, verified.claims, verified.granted())
    except standing.Revoked as error:
        raise Unauthenticated(str(error)) from error
    return permissions, state.created_at if state is not None else None


def authorize(event: dict[str, Any]) -> dict[str, Any]:
    token = bearer_token(event)
    if token is None:
        raise Unauthenticated("no bearer token")
    domain = (event.get("requestContext") or {}).get("domainName")
    try:
        verified = verifier.verify(token, issuer_url(domain), clock.time())
    except InvalidToken as error:
        raise Unauthenticated(str(error)) from error
    permissions, created_at = _current_permissions(verified)
    return {
        "isAuthorized": True,
        "context": {
            "sub": verified.subject,
            "username": verified.username,
            "permissions": " ".join(sorted(permissions)),
            "issuer": verified.issuer_kind,
            "exp": int(verified.claims["exp"]),
            "iat": int(verified.claims["iat"]),
            **({"jti": str(verified.claims["jti"])} if verified.issuer_kind == "boxoffice" else {}),
            **({"created": created_at} if created_at is not None else {}),
        },
    }
