"""Access-token verification for the authorizer, the way AWS documents it for Cognito user-pool tokens
(and as boxoffice.auth.verifier does with PyJWT for everything else):

1. three base64url parts; the header names exactly RS256, a `kid`, and no `crit`;
2. the `iss` is ours (or the configured Cognito pool's), and its key set holds the `kid` (ours from KMS,
   a pool's from its jwks.json; an unknown kid refreshes the set at most every few seconds);
3. the signature verifies with exactly that key;
4. `exp`, `nbf` and `iat` against the clock, a lifetime no longer than the longest session, `token_use` is
   "access", `client_id` is the issuer's client.

Every failure is an InvalidToken; its message is for logs, never for clients.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from boxoffice.edge import aws, rs256, standing

ALGORITHM = "RS256"
CLOCK_SKEW_SECONDS = 30
REFRESH_AT_MOST_EVERY_SECONDS = 5.0
REQUIRED_CLAIMS = ("iss", "sub", "exp", "iat", "token_use", "client_id")
MAX_TOKEN_CHARS = 8192


class InvalidToken(Exception):
    pass


class VerifiedToken:
    __slots__ = ("claims", "issuer_kind")

    def __init__(self, issuer_kind: str, claims: dict[str, Any]) -> None:
        self.issuer_kind = issuer_kind  # boxoffice | cognito
        self.claims = claims

    @property
    def subject(self) -> str:
        return str(self.claims["sub"])

    @property
    def username(self) -> str:
        return str(self.claims.get("username") or self.claims.get("cognito:username") or self.subject)

    def granted(self) -> list[str]:
        """What the token itself says: its scope's permission names and, for Cognito, its groups."""
        scopes = [scope.rsplit("/", 1)[-1] for scope in str(self.claims.get("scope", "")).split()]
        groups = self.claims.get("cognito:groups") if self.issuer_kind == "cognito" else None
        return scopes + ([str(group) for group in groups] if isinstance(groups, list) else [])


class KeySet:
    """Public keys by kid from a fetch function; an unknown kid refreshes them at most every few seconds.

    `fetch` yields keys one at a time: a lookup stops at the key it wants, so a cold start usually makes one
    request (the active key signs nearly every live token)."""

    def __init__(self, fetch: Callable[[], Iterator[tuple[str, rs256.RsaPublicKey]]]) -> None:
        self._fetch = fetch
        self._keys: dict[str, rs256.RsaPublicKey] = {}
        self._pending: Iterator[tuple[str, rs256.RsaPublicKey]] | None = None
        self._refreshed_at = float("-inf")
        self._lock = threading.Lock()

    def get(self, kid: str) -> rs256.RsaPublicKey | None:
        with self._lock:
            if kid in self._keys:
                return self._keys[kid]
            if self._pending is None and time.monotonic() - self._refreshed_at >= REFRESH_AT_MOST_EVERY_SECONDS:
                self._keys, self._pending = {}, self._fetch()
                self._refreshed_at = time.monotonic()
            try:
                for found_kid, key in self._pending or ():
                    self._keys[found_kid] = key
                    if found_kid == kid:
                        return key
            except BaseException:
                self._pending, self._refreshed_at = None, float("-inf")  # the next lookup tries again
                raise
            self._pending = None  # every key fetched
            return None


def our_keys() -> Iterator[tuple[str, rs256.RsaPublicKey]]:
    """The public halves of our KMS keys, the active one first, each by its RFC 7638 thumbprint (its kid)."""
    active = os.environ.get("TOKEN_SIGNING_KEY_ID", "")
    extra = os.environ.get("TOKEN_VERIFY_KEY_IDS", "").split(",")
    for key_id in dict.fromkeys(key.strip() for key in [active, *extra] if key.strip()):
        der = base64.b64decode(aws.call("kms", "GetPublicKey", {"KeyId": key_id})["PublicKey"])
        key = rs256.from_spki_der(der)
        yield key.thumbprint(), key


def jwks_keys(url: str) -> Iterator[tuple[str, rs256.RsaPublicKey]]:
    """A JWKS document's RSA keys (one request for all of them)."""
    document = aws.https_get_json(url)
    for jwk in document.get("keys", []):
        if isinstance(jwk, dict) and jwk.get("kty") == "RSA" and isinstance(jwk.get("kid"), str):
            try:
                key = rs256.from_jwk(jwk)
            except ValueError:
                continue
            yield jwk["kid"], key


class Issuer:
    __slots__ = ("client_id", "keys", "kind", "url")

    def __init__(self, kind: str, url: str, client_id: str, keys: KeySet) -> None:
        self.kind, self.url, self.client_id, self.keys = kind, url, client_id, keys


def _decode_json(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(rs256.b64url_decode(part))
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidToken(f"malformed {what}") from error
    if not isinstance(value, dict):
        raise InvalidToken(f"the {what} is not a JSON object")
    return value


class TokenVerifier:
    """Our issuer always; a Cognito user pool too when the environment names one."""

    def __init__(self) -> None:
        self._ours = KeySet(our_keys)
        self._cognito: Issuer | None = None

    def reset(self) -> None:
        """Forget every key and issuer fetched (the keys or the variables changed: tests)."""
        self._ours, self._cognito = KeySet(our_keys), None

    def _issuers(self, own_issuer_url: str) -> list[Issuer]:
        issuers = [Issuer("boxoffice", own_issuer_url, os.environ.get("TOKEN_CLIENT_ID") or "boxoffice", self._ours)]
        pool, client = os.environ.get("COGNITO_USER_POOL_ID", ""), os.environ.get("COGNITO_CLIENT_ID", "")
        if pool and client:
            if self._cognito is None:
                url = f"https://cognito-idp.{aws.region()}.amazonaws.com/{pool}"
                jwks_url = os.environ.get("COGNITO_JWKS_URL") or f"{url}/.well-known/jwks.json"
                self._cognito = Issuer("cognito", url, client, KeySet(lambda: jwks_keys(jwks_url)))
            issuers.append(self._cognito)
        return issuers

    def verify(self, token: str, own_issuer_url: str, now: float) -> VerifiedToken:
        if len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
            raise InvalidToken("not a compact JWS")
        header_part, payload_part, signature_part = token.split(".")
        header = _decode_json(header_part, "header")
        claims = _decode_json(payload_part, "payload")
        if header.get("alg") != ALGORITHM:
            raise InvalidToken(f"algorithm {header.get('alg')!r} is not RS256")
        if "crit" in header:
            raise InvalidToken("a critical header we do not understand")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("no kid")
        issuer = next(
            (known for known in self._issuers(own_issuer_url) if known.url and claims.get("iss") == known.url), None
        )
        if issuer is None:
            raise InvalidToken("unknown issuer")
        key = issuer.keys.get(kid)
        if key is None:
            raise InvalidToken("unknown kid")
        try:
            signature = rs256.b64url_decode(signature_part)
        except ValueError as error:
            raise InvalidToken("malformed signature") from error
        if not key.verify(f"{header_part}.{payload_part}".encode(), signature):
            raise InvalidToken("bad signature")
        missing = [name for name in REQUIRED_CLAIMS if name not in claims]
        if missing:
            raise InvalidToken(f"missing claims: {missing}")
        _check_times(claims, now)
        if claims.get("token_use") != "access":
            raise InvalidToken("not an access token")
        if claims.get("client_id") != issuer.client_id:
            raise InvalidToken("another client's token")
        return VerifiedToken(issuer_kind=issuer.kind, claims=claims)


def _check_times(claims: dict[str, Any], now: float) -> None:
    for name in ("exp", "iat", "nbf"):
        if name in claims and (isinstance(claims[name], bool) or not isinstance(claims[name], int | float)):
            raise InvalidToken(f"{name} is not a number")
    if claims["exp"] <= now:
        raise InvalidToken("expired")
    # However well signed: no session of any account lasts longer (a leaked signing key or a bug minting
    # long-lived tokens must not yield one that outlives every revocation a person could make).
    if claims["exp"] - claims["iat"] > standing.LONGEST_SESSION_SECONDS:
        raise InvalidToken("a lifetime longer than any session")
    if claims["iat"] > now + CLOCK_SKEW_SECONDS:
        raise InvalidToken("issued in the future")
    if "nbf" in claims and claims["nbf"] > now + CLOCK_SKEW_SECONDS:
        raise InvalidToken("not yet valid")
