"""Our JSON Web Keys, RSA token keys and the EC ticket key alike, take their `kid` from RFC 7638."""

from __future__ import annotations

import base64
import hashlib
import json

# RFC 7638: only a key type's required members enter its thumbprint.
_REQUIRED_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}


def thumbprint(jwk: dict[str, str]) -> str:
    """SHA-256 of the key type's required members, in lexicographic order and without spaces, base64url."""
    members = {name: jwk[name] for name in _REQUIRED_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
