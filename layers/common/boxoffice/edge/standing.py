"""What a token of ours may still do, judged from its account's security state: one judgement, made in two places.

- The authorizer makes it on every uncached request, from an eventually consistent read; API Gateway then
  reuses its answer for AuthorizerCacheSeconds (60 s by default).
- The functions of routes that move money or change who may do what make it again on every request, from a
  consistent read (boxoffice.http, `recheck_account`), so a revocation holds there at the next request.

Both read the same attributes of the account's profile item (DynamoDB JSON, as either client returns it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from boxoffice import permissions as perms

# The profile's attributes the judgement reads (a projection: the item's other attributes stay unread).
ATTRIBUTES = (
    "enabled",
    "sessions_valid_after",
    "revoked_tokens",
    "permissions",
    "created_at",
    "session_timeout_minutes",
)
# The longest session any account may have (SessionMinutes' bound): a token living longer was never ours to
# issue, and a Cognito pool's access tokens live a day at most.
LONGEST_SESSION_SECONDS = 1440 * 60


class Revoked(Exception):
    """The token no longer speaks for its account; the message is for logs, never for clients."""


@dataclass(frozen=True)
class Standing:
    """An account's security state, as stored on its profile."""

    enabled: bool
    sessions_valid_after: int
    revoked_token_ids: frozenset[str]
    permissions: frozenset[str]
    session_seconds: int | None
    created_at: int | None

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> Standing:
        created = item.get("created_at", {}).get("N")
        minutes = item.get("session_timeout_minutes", {}).get("N")
        return cls(
            enabled=bool(item.get("enabled", {"BOOL": True}).get("BOOL", False)),
            sessions_valid_after=int(item.get("sessions_valid_after", {"N": "0"})["N"]),
            revoked_token_ids=frozenset(item.get("revoked_tokens", {}).get("M", {})),
            permissions=perms.expand(entry.get("S", "") for entry in item.get("permissions", {}).get("L", [])),
            session_seconds=int(minutes) * 60 if minutes is not None else None,
            created_at=int(created) if created is not None else None,
        )


def projection() -> dict[str, Any]:
    """GetItem's ProjectionExpression and ExpressionAttributeNames for ATTRIBUTES."""
    names = {f"#a{index}": name for index, name in enumerate(ATTRIBUTES)}
    return {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names}


def permissions_now(standing: Standing | None, claims: Mapping[str, Any], granted: Iterable[str]) -> frozenset[str]:
    """What the token may do now: what it was granted, cut to what the account holds now; Revoked if nothing.

    `claims` needs `iat` and `exp`, and `jti` when the token has one."""
    if standing is None:
        raise Revoked("the account no longer exists")
    if not standing.enabled:
        raise Revoked("the account is disabled")
    iat, exp = int(claims["iat"]), int(claims["exp"])
    # A token from the very second of a security change is void too (iat has one-second precision).
    if iat <= standing.sessions_valid_after:
        raise Revoked("the token predates the account's last security change")
    if claims.get("jti") is not None and str(claims["jti"]) in standing.revoked_token_ids:
        raise Revoked("the token was signed out")
    if standing.session_seconds is not None and exp - iat > standing.session_seconds:
        raise Revoked("the token lives longer than the account's session")
    return perms.expand(granted) & standing.permissions
