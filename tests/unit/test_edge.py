"""boxoffice.edge's small pieces of protocol code, each checked against the library that would otherwise do it:
RS256 against cryptography and PyJWT, SigV4 against botocore's signer, key parsing against cryptography."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import time
from unittest import mock

import jwt
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from jwt.algorithms import RSAAlgorithm

from boxoffice.auth.keys import thumbprint
from boxoffice.edge import aws, rs256, tokens

PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ours(key: rsa.RSAPrivateKey) -> rs256.RsaPublicKey:
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return rs256.from_spki_der(der)


def test_a_signature_made_by_cryptography_verifies_and_nothing_else_does():
    message = b"header.payload"
    signature = PRIVATE.sign(message, padding.PKCS1v15(), hashes.SHA256())
    key = ours(PRIVATE)
    assert key.verify(message, signature)
    assert not key.verify(b"header.payloaD", signature)
    assert not key.verify(message, signature[:-1] + bytes([signature[-1] ^ 1]))
    assert not key.verify(message, signature[1:]), "a signature of the wrong length"
    assert not key.verify(message, b"\x00" * len(signature))
    assert not key.verify(message, (key.n + 1).to_bytes(256, "big")), "a value above the modulus"
    assert not ours(OTHER).verify(message, signature)
    sha1 = PRIVATE.sign(message, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303  # must be refused
    assert not key.verify(message, sha1), "another digest inside the signature"
    pss = PRIVATE.sign(message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    assert not key.verify(message, pss), "PS256 is not RS256"


def _raw_sign(key: rsa.RSAPrivateKey, encoded: bytes) -> bytes:
    """A signature over any encoded block, so tests can sign blocks no honest signer would."""
    numbers = key.private_numbers()
    n = numbers.public_numbers.n
    return pow(int.from_bytes(encoded, "big"), numbers.d, n).to_bytes(256, "big")


DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def test_a_block_with_the_right_digest_but_bad_padding_is_refused():
    """RFC 8017 8.2.2: the whole encoded block must be the expected one, not just end with the digest."""
    message = b"header.payload"
    digest_info = DIGEST_INFO_PREFIX + hashlib.sha256(message).digest()
    filler = 256 - len(digest_info) - 3
    key = ours(PRIVATE)
    honest = b"\x00\x01" + b"\xff" * filler + b"\x00" + digest_info
    assert key.verify(message, _raw_sign(PRIVATE, honest)), "the honest block, raw-signed, verifies"
    garbage = b"\x00\x01" + b"\xff" * 8 + b"\x00" + b"\x5a" * (filler - 9) + b"\x00" + digest_info
    bad_blocks = {
        "garbage between the padding and the digest": garbage,
        "block type 2 (encryption padding)": b"\x00\x02" + b"\xff" * filler + b"\x00" + digest_info,
        "no zero separator": b"\x00\x01" + b"\xff" * (filler + 1) + digest_info,
        "a non-0xff padding byte": b"\x00\x01" + b"\xfe" + b"\xff" * (filler - 1) + b"\x00" + digest_info,
        "digest info with trailing bytes": b"\x00\x01" + b"\xff" * (filler - 2) + b"\x00" + digest_info + b"\x00\x00",
    }
    for why, block in bad_blocks.items():
        assert len(block) == 256, why
        assert not key.verify(message, _raw_sign(PRIVATE, block)), why


def _cube_root_mod_power_of_two(value: int, bits: int) -> int:
    """The s with s**3 == value (mod 2**bits), value odd (Hensel lifting: 3s² is odd, so each bit has one answer)."""
    root = 1
    for bit in range(1, bits):
        if pow(root, 3, 1 << (bit + 1)) != value % (1 << (bit + 1)):
            root |= 1 << bit
    return root


def test_the_e3_forgery_needs_no_private_key_and_is_refused():
    """Bleichenbacher's e = 3 forgery: a cube whose low bytes are the DigestInfo, made from the public key alone.
    It is refused twice over: the key is refused for its exponent, and the block is not the whole expected one."""
    message = next(m for i in range(256) if hashlib.sha256(m := b"payload-%d" % i).digest()[-1] & 1)
    digest_info = DIGEST_INFO_PREFIX + hashlib.sha256(message).digest()
    root = _cube_root_mod_power_of_two(int.from_bytes(digest_info, "big"), 8 * len(digest_info))
    weak = rsa.generate_private_key(public_exponent=3, key_size=2048)
    n = weak.public_key().public_numbers().n
    assert root**3 < n and (root**3).to_bytes(256, "big").endswith(digest_info), "a suffix forgery, as published"
    forged = root.to_bytes(256, "big")
    with pytest.raises(ValueError, match="exponent"):
        rs256.RsaPublicKey(n=n, e=3)
    weak_der = weak.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValueError, match="exponent"):
        rs256.from_spki_der(weak_der)
    weak_jwk = RSAAlgorithm.to_jwk(weak.public_key(), as_dict=True)
    with pytest.raises(ValueError, match="exponent"):
        rs256.from_jwk(weak_jwk)
    # The same forged block under a key we do accept (its own n, e = 65537) is refused by the padding check.
    key = ours(PRIVATE)
    assert not key.verify(message, forged)
    assert not key.verify(message, _raw_sign(PRIVATE, (root**3).to_bytes(256, "big"))), "the forged block, signed"


def test_short_keys_and_other_exponents_are_refused_when_read():
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505  # must be refused
    with pytest.raises(ValueError, match="modulus"):
        rs256.from_jwk(RSAAlgorithm.to_jwk(small.public_key(), as_dict=True))
    numbers = PRIVATE.public_key().public_numbers()
    for exponent in (3, 17, 65535, 65539):
        with pytest.raises(ValueError, match="exponent"):
            rs256.RsaPublicKey(n=numbers.n, e=exponent)
    assert rs256.RsaPublicKey(n=numbers.n, e=65537) == ours(PRIVATE)


def test_keys_read_from_der_and_jwk_are_cryptographys_and_pyjwts_keys():
    numbers = PRIVATE.public_key().public_numbers()
    key = ours(PRIVATE)
    assert (key.n, key.e) == (numbers.n, numbers.e)
    jwk = RSAAlgorithm.to_jwk(PRIVATE.public_key(), as_dict=True)
    assert rs256.from_jwk(jwk) == key
    assert key.thumbprint() == thumbprint(PRIVATE.public_key()), "the kid our tokens carry"
    ec_der = b"0Y0\x13\x06\x07*\x86H\xce=\x02\x01\x06\x08*\x86H\xce=\x03\x01\x07\x03B\x00" + b"\x04" * 65
    for bad in (b"", b"\x30", ec_der, key_der() + b"\x00", key_der()[:-1]):
        with pytest.raises(ValueError):
            rs256.from_spki_der(bad)


def test_a_jwk_is_read_only_when_it_is_an_rsa_key_with_both_numbers_and_keys_are_equal_only_to_themselves():
    jwk = RSAAlgorithm.to_jwk(PRIVATE.public_key(), as_dict=True)
    for broken in (
        {**jwk, "kty": "EC"},
        {key: value for key, value in jwk.items() if key != "n"},
        {key: value for key, value in jwk.items() if key != "e"},
        {"kty": "EC", "n": jwk["n"]},
        {**jwk, "n": 12345},
    ):
        with pytest.raises(ValueError):
            rs256.from_jwk(broken)
    assert ours(PRIVATE) == rs256.from_jwk(jwk) and hash(ours(PRIVATE)) == hash(rs256.from_jwk(jwk))
    assert ours(PRIVATE) != ours(OTHER), "two keys are equal only when their numbers are"
    assert ours(PRIVATE) != (ours(PRIVATE).n, ours(PRIVATE).e), "nor equal to anything that is not a key"


def key_der() -> bytes:
    return PRIVATE.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.mark.parametrize("session_token", [None, "a-session-token"])
@pytest.mark.parametrize(
    ("service", "target", "content_type"),
    [
        ("dynamodb", "DynamoDB_20120810.GetItem", "application/x-amz-json-1.0"),
        ("kms", "TrentService.GetPublicKey", "application/x-amz-json-1.1"),
    ],
)
def test_sigv4_signs_exactly_as_botocore(session_token, service, target, content_type):
    url = f"https://{service}.eu-west-1.amazonaws.com/"
    body = json.dumps({"TableName": "users", "Key": {"user_id": {"S": "u 1"}}}).encode()
    now = dt.datetime(2026, 11, 30, 19, 5, 7, tzinfo=dt.UTC)
    headers = {"Content-Type": content_type, "X-Amz-Target": target}
    signed = aws.sign_v4(
        method="POST",
        url=url,
        headers=headers,
        body=body,
        service=service,
        region="eu-west-1",
        access_key="AKIDEXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        session_token=session_token,
        now=now,
    )
    request = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", session_token)
    with mock.patch("botocore.auth.get_current_datetime", return_value=now.replace(tzinfo=None)):
        SigV4Auth(credentials, service, "eu-west-1").add_auth(request)
    assert signed["Authorization"] == request.headers["Authorization"]
    assert signed["X-Amz-Date"] == request.headers["X-Amz-Date"]
    assert signed.get("X-Amz-Security-Token") == request.headers.get("X-Amz-Security-Token")


def token(claims: dict, key: rsa.RSAPrivateKey = PRIVATE, **header: object) -> str:
    kid = header.pop("kid", ours(PRIVATE).thumbprint())
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, **header})


def good_claims(now: float, **changes: object) -> dict:
    claims = {
        "iss": "https://boxoffice.test",
        "sub": "user-1",
        "token_use": "access",
        "client_id": "boxoffice",
        "iat": int(now),
        "exp": int(now) + 600,
    }
    return {**claims, **changes}


@pytest.fixture
def verifier(monkeypatch):
    monkeypatch.delenv("COGNITO_USER_POOL_ID", raising=False)
    monkeypatch.delenv("TOKEN_CLIENT_ID", raising=False)
    checker = tokens.TokenVerifier()
    key = ours(PRIVATE)
    checker._ours = tokens.KeySet(lambda: iter([(key.thumbprint(), key)]))
    return checker


def test_a_pyjwt_token_verifies_and_every_altered_one_is_refused(verifier):
    now = time.time()
    issuer = "https://boxoffice.test"
    assert verifier.verify(token(good_claims(now)), issuer, now).subject == "user-1"
    refused = {
        "expired": token(good_claims(now, exp=int(now) - 1)),
        "future iat": token(good_claims(now, iat=int(now) + 3600)),
        "not yet valid": token(good_claims(now, nbf=int(now) + 3600)),
        "id token": token(good_claims(now, token_use="id")),
        "other client": token(good_claims(now, client_id="someone-else")),
        "other issuer": token(good_claims(now, iss="https://evil.example")),
        "missing sub": token({k: v for k, v in good_claims(now).items() if k != "sub"}),
        "string exp": token(good_claims(now, exp="9999999999")),
        "boolean iat": token(good_claims(now, iat=True)),
        "other key": token(good_claims(now), OTHER),
        "unknown kid": token(good_claims(now), kid="nobody"),
        "crit header": token(good_claims(now), crit=["exp"]),
        "HS256": jwt.encode(good_claims(now), "a shared secret of thirty-two bytes!", algorithm="HS256"),
        "none": jwt.encode(good_claims(now), None, algorithm="none"),
        "two parts": token(good_claims(now)).rsplit(".", 1)[0],
        "padded base64": token(good_claims(now)) + "==",
        "huge": "a." * 5000 + "b",
    }
    for name, forged in refused.items():
        with pytest.raises(tokens.InvalidToken):
            verifier.verify(forged, issuer, now)
            pytest.fail(f"accepted: {name}")


def test_the_authorizer_imports_no_sdk_no_pyjwt_no_pydantic_and_no_powertools():
    """The point of boxoffice.edge: a cold start that costs what the standard library costs."""
    probe = (
        "import sys; sys.path[:0] = ['functions/auth', 'layers/common']; import authorizer; "
        "print(' '.join(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    loaded = set(
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    )
    assert not loaded & {"botocore", "boto3", "pynamodb", "jwt", "pydantic", "cryptography", "aws_lambda_powertools"}
