"""The token signing keys: private halves stay in KMS, public halves become the JWKS.

A key's `kid` is its RFC 7638 thumbprint, so it is stable for the key's whole
life and says nothing about where the key lives.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_der_public_key
from jwt.algorithms import RSAAlgorithm

from boxoffice import aws
from boxoffice.jwk import thumbprint as jwk_thumbprint
from boxoffice.settings import get_settings


@dataclass(frozen=True)
class PublicKey:
    kid: str
    kms_key_id: str
    key: RSAPublicKey

    def jwk(self) -> dict[str, Any]:
        fields = RSAAlgorithm.to_jwk(self.key, as_dict=True)
        return {"kty": "RSA", "kid": self.kid, "use": "sig", "alg": "RS256", "n": fields["n"], "e": fields["e"]}


def thumbprint(key: RSAPublicKey) -> str:
    """The key's RFC 7638 thumbprint (its kid)."""
    return jwk_thumbprint(RSAAlgorithm.to_jwk(key, as_dict=True))


def fetch_public_key(kms_key_id: str) -> PublicKey:
    der = aws.client("kms").get_public_key(KeyId=kms_key_id)["PublicKey"]
    key = load_der_public_key(der)
    if not isinstance(key, RSAPublicKey):
        raise TypeError(f"KMS key {kms_key_id} is not an RSA key")
    return PublicKey(kid=thumbprint(key), kms_key_id=kms_key_id, key=key)


class KeyRing:
    """Our public keys, fetched from KMS once per warm environment."""

    def __init__(self) -> None:
        self._keys: dict[str, PublicKey] | None = None
        self._lock = threading.Lock()

    def keys(self) -> dict[str, PublicKey]:
        if self._keys is None:
            with self._lock:
                if self._keys is None:
                    fetched = [fetch_public_key(key_id) for key_id in get_settings().verify_key_ids]
                    self._keys = {key.kid: key for key in fetched}
        return self._keys

    def signing_kid(self) -> str:
        active = get_settings().token_signing_key_id
        return next(key.kid for key in self.keys().values() if key.kms_key_id == active)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in self.keys().values()]}

    def reset(self) -> None:
        self._keys = None


key_ring = KeyRing()
