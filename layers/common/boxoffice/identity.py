"""Who is calling: what the domain knows of a caller, with nothing of HTTP in it (the edge builds it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    """Who is calling, exactly as the authorizer vouched for it."""

    user_id: str
    username: str
    permissions: frozenset[str]
    issuer: str = "boxoffice"
    session_ends_at: int | None = None
    # When the account was made (from the authorizer); None when unknown, e.g. a Cognito user.
    account_created_at: int | None = None
    # The access token's id (`jti`), so that one token can be signed out; None for tokens not ours.
    token_id: str | None = None

    def can(self, permission: str) -> bool:
        return permission in self.permissions
