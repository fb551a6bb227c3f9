"""The tickets' ES256 key: derived from 32 secret bytes, published as a JWK, signing deterministically."""

from __future__ import annotations

import base64
import hashlib
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from boxoffice.booking import ticket_key as module
from boxoffice.jwk import thumbprint


def test_the_same_secret_gives_the_same_key_and_another_secret_another():
    one, again, other = (module.derive_private_key(secret) for secret in (b"\x01" * 32, b"\x01" * 32, b"\x02" * 32))
    assert one.private_numbers().private_value == again.private_numbers().private_value
    assert one.private_numbers().private_value != other.private_numbers().private_value
    assert isinstance(one.curve, ec.SECP256R1)


@pytest.mark.parametrize("secret", [b"\x00" * 32, b"\xff" * 32])
def test_every_secret_gives_a_valid_scalar(secret):
    scalar = module.derive_private_key(secret).private_numbers().private_value
    assert 1 <= scalar < module._P256_ORDER


def test_the_jwk_and_its_thumbprint_are_pyjwts_and_rfc_7638s():
    key = module.derive_private_key(b"\x07" * 32)
    jwk = module.public_jwk(key.public_key())
    assert ECAlgorithm.from_jwk(json.dumps(jwk)).public_numbers() == key.public_key().public_numbers()
    # RFC 7638's own example form: members crv, kty, x, y in that order, no spaces.
    canonical = f'{{"crv":"P-256","kty":"EC","x":"{jwk["x"]}","y":"{jwk["y"]}"}}'
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    assert thumbprint(jwk) == expected


def test_a_signed_ticket_is_the_same_every_time_and_verifies_with_pyjwt(monkeypatch):
    signer = module.TicketKey()
    key = module.derive_private_key(b"\x09" * 32)
    monkeypatch.setattr(signer, "load", lambda: key)
    signer._kid = thumbprint(module.public_jwk(key.public_key()))
    first, second = (signer.sign({"tkt": "abc", "chr": "A-1"}, "boxoffice-ticket+jws") for _ in range(2))
    assert first == second
    public = ECAlgorithm.from_jwk(json.dumps(signer.jwk()))
    assert jwt.decode(first, public, algorithms=["ES256"]) == {"tkt": "abc", "chr": "A-1"}
    assert jwt.get_unverified_header(first) == {"alg": "ES256", "kid": signer._kid, "typ": "boxoffice-ticket+jws"}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(first[:-4] + ("AAAA" if not first.endswith("AAAA") else "BBBB"), public, algorithms=["ES256"])
