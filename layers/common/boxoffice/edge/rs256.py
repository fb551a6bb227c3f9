"""RS256 (RSASSA-PKCS1-v1_5 with SHA-256) verification with Python's own integers, and RSA public keys read
from a JWK or from the DER SubjectPublicKeyInfo KMS returns.

Verification needs no secret, so it needs no constant-time arithmetic: it
recomputes the whole encoded message (RFC 8017, 8.2.2) and compares it with
what the signature opens to, so no parsing of the opened block can be fooled.
Keys are held to what KMS and Cognito issue (e = 65537, at least 2048 bits):
a small exponent is what makes signature forgery without the private key
practical when a verifier's padding check is ever loosened.
"""

from __future__ import annotations

import base64
import hashlib
import json

# DER of DigestInfo's AlgorithmIdentifier for SHA-256, then the 32-byte OCTET STRING header (RFC 8017, 9.2).
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
_RSA_ENCRYPTION_OID = bytes.fromhex("2a864886f70d010101")
REQUIRED_EXPONENT = 65537
MIN_MODULUS_BITS = 2048


def b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(char in text for char in "=+/ \n"):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class RsaPublicKey:
    __slots__ = ("e", "n")

    def __init__(self, n: int, e: int) -> None:
        if e != REQUIRED_EXPONENT:
            raise ValueError(f"RSA exponent {e} refused: only {REQUIRED_EXPONENT}")
        if n.bit_length() < MIN_MODULUS_BITS:
            raise ValueError(f"RSA modulus of {n.bit_length()} bits refused: at least {MIN_MODULUS_BITS}")
        self.n, self.e = n, e

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RsaPublicKey) and (self.n, self.e) == (other.n, other.e)

    def __hash__(self) -> int:
        return hash((self.n, self.e))

    @property
    def size_bytes(self) -> int:
        return (self.n.bit_length() + 7) // 8

    def verify(self, message: bytes, signature: bytes) -> bool:
        k = self.size_bytes
        if len(signature) != k:
            return False
        opened = int.from_bytes(signature, "big")
        if opened >= self.n:
            return False
        encoded = pow(opened, self.e, self.n).to_bytes(k, "big")
        digest_info = _SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
        expected = b"\x00\x01" + b"\xff" * (k - len(digest_info) - 3) + b"\x00" + digest_info
        return encoded == expected

    def thumbprint(self) -> str:
        """RFC 7638: SHA-256 of the required members in lexicographic order, base64url (our keys' `kid`)."""
        canonical = json.dumps({"e": _b64_int(self.e), "kty": "RSA", "n": _b64_int(self.n)}, separators=(",", ":"))
        return b64url(hashlib.sha256(canonical.encode()).digest())


def _b64_int(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def from_jwk(jwk: dict[str, object]) -> RsaPublicKey:
    if jwk.get("kty") != "RSA" or not isinstance(jwk.get("n"), str) or not isinstance(jwk.get("e"), str):
        raise ValueError("not an RSA JWK")
    return RsaPublicKey(
        n=int.from_bytes(b64url_decode(str(jwk["n"])), "big"), e=int.from_bytes(b64url_decode(str(jwk["e"])), "big")
    )


def _der(data: bytes, at: int, tag: int) -> tuple[bytes, int]:
    """The contents of the DER element of `tag` at `at`, and where the next element starts."""
    if at + 2 > len(data) or data[at] != tag:
        raise ValueError("unexpected DER")
    length, at = data[at + 1], at + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or at + count > len(data):
            raise ValueError("bad DER length")
        length, at = int.from_bytes(data[at : at + count], "big"), at + count
    if at + length > len(data):
        raise ValueError("truncated DER")
    return data[at : at + length], at + length


def from_spki_der(der: bytes) -> RsaPublicKey:
    """SubjectPublicKeyInfo { AlgorithmIdentifier { rsaEncryption, NULL }, BIT STRING { RSAPublicKey } }."""
    info, end = _der(der, 0, 0x30)
    if end != len(der):
        raise ValueError("trailing data")
    algorithm, at = _der(info, 0, 0x30)
    oid, _ = _der(algorithm, 0, 0x06)
    if oid != _RSA_ENCRYPTION_OID:
        raise ValueError("not an RSA key")
    bits, _ = _der(info, at, 0x03)
    if not bits or bits[0] != 0:
        raise ValueError("bad BIT STRING")
    public, _ = _der(bits[1:], 0, 0x30)
    modulus, at = _der(public, 0, 0x02)
    exponent, _ = _der(public, at, 0x02)
    return RsaPublicKey(n=int.from_bytes(modulus, "big"), e=int.from_bytes(exponent, "big"))
