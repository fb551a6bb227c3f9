"""Verifying access tokens the way AWS documents for Cognito user-pool tokens.

1. The header names RS256 and a `kid` found in the issuer's JWKS (ours from
   KMS, a Cognito pool's from its jwks.json), fetched once and refreshed at
   most every few seconds when an unknown `kid` shows up.
2. PyJWT verifies the signature with exactly that key and algorithm, the
   exact `iss`, the required claims and any `crit` header.
3. `exp`, `nbf` and `iat` are checked against our clock (injectable in tests).
4. `token_use` is "access" and `client_id` is the issuer's client.

Every failure is an `InvalidToken`; the message is for logs, never for clients.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
from jwt import PyJWK, PyJWKClient

from boxoffice import permissions as perms
from boxoffice.auth.keys import key_ring
from boxoffice.clock import clock
from boxoffice.settings import get_settings

ALGORITHM = "RS256"
CLOCK_SKEW_SECONDS = 30
REFRESH_AT_MOST_EVERY_SECONDS = 5.0
_REQUIRED_CLAIMS = ["iss", "sub", "exp", "iat", "token_use", "client_id"]


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class VerifiedToken:
    issuer_kind: str  # boxoffice | cognito
    claims: dict[str, Any]

    @property
    def subject(self) -> str:
        return str(self.claims["sub"])

    @property
    def username(self) -> str:
        return str(self.claims.get("username") or self.claims.get("cognito:username") or self.subject)

    def granted_permissions(self) -> frozenset[str]:
        """What the token itself says: its scope and, for Cognito, its groups (known names only)."""
        scopes = [scope.rsplit("/", 1)[-1] for scope in str(self.claims.get("scope", "")).split()]
        groups = (self.claims.get("cognito:groups") or []) if self.issuer_kind == "cognito" else []
        return frozenset(name for name in [*scopes, *groups] if name in perms.ALL_PERMISSIONS)


class KeySet:
    """Public keys by kid, from a fetch function; an unknown kid refreshes at most every few seconds."""

    def __init__(self, fetch: Callable[[], dict[str, Any]]) -> None:
        self._fetch = fetch
        self._keys: dict[str, Any] | None = None
        self._refreshed_at = float("-inf")
        self._lock = threading.Lock()
        self.fetches = 0

    def _refresh(self) -> None:
        self._keys = self._fetch()
        self._refreshed_at = time.monotonic()
        self.fetches += 1

    def get(self, kid: str) -> Any | None:
        with self._lock:
            stale = time.monotonic() - self._refreshed_at >= REFRESH_AT_MOST_EVERY_SECONDS
            if self._keys is None or (kid not in self._keys and stale):
                self._refresh()
            return (self._keys or {}).get(kid)


def _our_keys() -> dict[str, Any]:
    return {kid: key.key for kid, key in key_ring.keys().items()}


def cognito_issuer(region: str, pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def fetch_jwks_over_https(url: str) -> dict[str, Any]:
    """A JWKS document's keys by kid (PyJWT's client does the HTTP and parsing)."""
    jwk_set = PyJWKClient(url, cache_keys=False, cache_jwk_set=False, timeout=3).get_jwk_set()
    return {key.key_id: key.key for key in jwk_set.keys if isinstance(key, PyJWK) and key.key_id}


@dataclass
class Issuer:
    kind: str
    url: str
    client_id: str
    keys: KeySet


class TokenVerifier:
    """Our issuer always; a Cognito user pool too when the stack names one."""

    def __init__(self, cognito_fetch: Callable[[str], dict[str, Any]] = fetch_jwks_over_https) -> None:
        self._ours = KeySet(_our_keys)
        self._cognito_fetch = cognito_fetch
        self._cognito: Issuer | None = None

    def _issuers(self, own_issuer_url: str) -> list[Issuer]:
        settings = get_settings()
        issuers = [Issuer("boxoffice", own_issuer_url, settings.token_client_id, self._ours)]
        if settings.cognito_user_pool_id and settings.cognito_client_id:
            if self._cognito is None:
                url = cognito_issuer(settings.region, settings.cognito_user_pool_id)
                jwks_url = settings.cognito_jwks_url or f"{url}/.well-known/jwks.json"
                self._cognito = Issuer(
                    "cognito", url, settings.cognito_client_id, KeySet(lambda: self._cognito_fetch(jwks_url))
                )
            issuers.append(self._cognito)
        return issuers

    def verify(self, token: str, own_issuer_url: str) -> VerifiedToken:
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise InvalidToken(f"malformed: {error}") from error
        if header.get("alg") != ALGORITHM:
            raise InvalidToken(f"algorithm {header.get('alg')!r} is not RS256")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("no kid")
        issuer = next(
            (
                candidate
                for candidate in self._issuers(own_issuer_url)
                if candidate.url and unverified.get("iss") == candidate.url
            ),
            None,
        )
        if issuer is None:
            raise InvalidToken("unknown issuer")
        key = issuer.keys.get(kid)
        if key is None:
            raise InvalidToken("unknown kid")
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[ALGORITHM],
                issuer=issuer.url,
                options={
                    "require": _REQUIRED_CLAIMS,
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "verify_aud": False,
                },
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(f"rejected by PyJWT: {type(error).__name__}") from error
        _check_times(claims, clock.time())
        if claims.get("token_use") != "access":
            raise InvalidToken("not an access token")
        if claims.get("client_id") != issuer.client_id:
            raise InvalidToken("another client's token")
        return VerifiedToken(issuer_kind=issuer.kind, claims=claims)


def _check_times(claims: dict[str, Any], now: float) -> None:
    for name in ("exp", "iat", "nbf"):
        if name in claims and not isinstance(claims[name], int | float):
            raise InvalidToken(f"{name} is not a number")
    if claims["exp"] <= now:
        raise InvalidToken("expired")
    if claims["iat"] > now + CLOCK_SKEW_SECONDS:
        raise InvalidToken("issued in the future")
    if "nbf" in claims and claims["nbf"] > now + CLOCK_SKEW_SECONDS:
        raise InvalidToken("not yet valid")
