"""The Lambda REQUEST authorizer's decision (payload 2.0, simple responses).

- no or unverifiable token  -> raise Unauthenticated; the handler raises
  "Unauthorized", which API Gateway answers 401;
- a valid token whose permissions do not cover the route -> isAuthorized
  false, which API Gateway answers 403;
- otherwise isAuthorized true, with the caller's id, username and effective
  permissions in the context every handler takes identity from.

API Gateway caches the answer per token *and* route (`$context.routeKey` is an
identity source), so an "allow" for one route is never reused for another.
"""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from boxoffice import permissions as perms
from boxoffice.auth.discovery import issuer_url
from boxoffice.auth.verifier import InvalidToken, TokenVerifier, VerifiedToken
from boxoffice.models.base import plain
from boxoffice.models.users import UserProfile
from boxoffice.observability import MetricUnit, logger, metrics


class Unauthenticated(Exception):
    pass


verifier = TokenVerifier()


def bearer_token(event: dict[str, Any]) -> str | None:
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    scheme, _, token = (headers.get("authorization") or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 8192:
        return None
    return token


def _current_permissions(verified: VerifiedToken) -> tuple[frozenset[str], int | None]:
    """Our tokens: what the token says, cut to what the account holds now (revocation is immediate),
    and when the account was made."""
    granted = perms.expand(verified.granted_permissions())
    if verified.issuer_kind != "boxoffice":
        return granted, None
    try:
        profile = UserProfile.get(verified.subject)
    except DoesNotExist:
        raise Unauthenticated("the account no longer exists") from None
    if not profile.enabled:
        raise Unauthenticated("the account is disabled")
    # A token from the very second of a security change is void too (iat has one-second precision).
    if verified.claims["iat"] <= profile.sessions_valid_after:
        raise Unauthenticated("the token predates the account's last security change")
    if profile.revoked_tokens is not None and str(verified.claims.get("jti")) in plain(profile.revoked_tokens):
        raise Unauthenticated("the token was signed out")
    return granted & perms.expand(profile.permissions), int(profile.created_at)


def authorize(event: dict[str, Any]) -> dict[str, Any]:
    route_key = str(event.get("routeKey", ""))
    token = bearer_token(event)
    if token is None:
        raise Unauthenticated("no bearer token")
    domain = (event.get("requestContext") or {}).get("domainName")
    try:
        verified = verifier.verify(token, issuer_url(domain))
    except InvalidToken as error:
        raise Unauthenticated(str(error)) from error
    permissions, created_at = _current_permissions(verified)
    if not perms.allows(route_key, permissions):
        logger.info("route not permitted", extra={"route": route_key, "user_id": verified.subject})
        metrics.add_metric(name="RequestsForbidden", unit=MetricUnit.Count, value=1)
        return {"isAuthorized": False}
    return {
        "isAuthorized": True,
        "context": {
            "sub": verified.subject,
            "username": verified.username,
            "permissions": " ".join(sorted(permissions)),
            "issuer": verified.issuer_kind,
            "exp": int(verified.claims["exp"]),
            **({"jti": str(verified.claims["jti"])} if verified.issuer_kind == "boxoffice" else {}),
            **({"created": created_at} if created_at is not None else {}),
        },
    }
