"""The key that signs tickets' QR codes: an ES256 key derived from a KMS HMAC key, once per warm environment.

A ticket's QR is a JWS a door scanner verifies offline with /.well-known/jwks.json.
Signing each one with KMS cost a request per ticket ($3 per million), and the
signatures, stored in the order, made every paid order's writes three times
larger. Instead the private key is derived: KMS computes HMAC-SHA-256 of a fixed
label under a key that never leaves it (one GenerateMac per cold start), and the
32 bytes become a P-256 private scalar. Only the functions the template allows
GenerateMac on that key can derive it; nothing stores it.

Signatures are deterministic (RFC 6979), so a ticket's QR is computed when an
order is answered, not stored, and is the same on every read.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from jwt.api_jws import PyJWS
from jwt.utils import der_to_raw_signature

from boxoffice import aws
from boxoffice.errors import ConfigurationError
from boxoffice.jwk import thumbprint as jwk_thumbprint
from boxoffice.settings import get_settings

# Changing the label is a rotation: a new key, whose QRs the old key's JWKS entry does not verify.
LABEL = b"boxoffice/ticket-signing-key/v1"
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class _DeterministicES256(ECAlgorithm):
    """PyJWT's ES256 with RFC 6979 nonces: the same claims always give the same token."""

    def sign(self, msg: bytes, key: ec.EllipticCurvePrivateKey) -> bytes:
        der = key.sign(msg, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        return der_to_raw_signature(der, key.curve)


def derive_private_key(secret: bytes) -> ec.EllipticCurvePrivateKey:
    """32 uniformly random bytes -> a P-256 key (the scalar in [1, n-1]; the bias of the reduction is 2^-128)."""
    scalar = int.from_bytes(secret, "big") % (_P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def public_jwk(key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    fields = ECAlgorithm.to_jwk(key, as_dict=True)
    return {"kty": "EC", "crv": "P-256", "x": fields["x"], "y": fields["y"]}


class TicketKey:
    """The derived key, asked of KMS once per warm environment."""

    def __init__(self) -> None:
        self._key: ec.EllipticCurvePrivateKey | None = None
        self._kid = ""
        self._lock = threading.Lock()
        self._signer = PyJWS(algorithms=[])
        self._signer.register_algorithm("ES256", _DeterministicES256(ECAlgorithm.SHA256))

    def load(self) -> ec.EllipticCurvePrivateKey:
        """The key, derived at the first call in this environment (the only step that can fail)."""
        if self._key is None:
            with self._lock:
                if self._key is None:
                    key_id = get_settings().ticket_key_id
                    if not key_id:
                        raise ConfigurationError("TICKET_KEY_ID is not set for this function")
                    answer = aws.client("kms").generate_mac(KeyId=key_id, Message=LABEL, MacAlgorithm="HMAC_SHA_256")
                    key = derive_private_key(bytes(answer["Mac"]))
                    self._kid = jwk_thumbprint(public_jwk(key.public_key()))
                    self._key = key
        return self._key

    def jwk(self) -> dict[str, str]:
        key = self.load()
        return {**public_jwk(key.public_key()), "kid": self._kid, "use": "sig", "alg": "ES256"}

    def sign(self, claims: dict[str, Any], typ: str) -> str:
        key = self.load()
        payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode()
        return self._signer.encode(payload, key=key, algorithm="ES256", headers={"kid": self._kid, "typ": typ})

    def reset(self) -> None:
        self._key = None


ticket_key = TicketKey()
