"""The issuer's discovery document and public keys, through the API."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from jwt.algorithms import RSAAlgorithm

from tests.harness import TEST_ISSUER


def test_openid_configuration_names_the_issuer_and_its_keys(stack):
    answer = stack.api.get("/.well-known/openid-configuration")
    assert answer.status == 200
    assert answer.body["issuer"] == TEST_ISSUER
    assert answer.body["jwks_uri"] == f"{TEST_ISSUER}/.well-known/jwks.json"
    assert "RS256" in answer.body["id_token_signing_alg_values_supported"]


def test_jwks_publishes_both_signing_keys_with_stable_kids(stack, aws):
    first = stack.api.get("/.well-known/jwks.json")
    second = stack.api.get("/.well-known/jwks.json")
    assert first.status == 200
    assert first.body == second.body
    keys = [key for key in first.body["keys"] if key["kty"] == "RSA"]  # beside them, the tickets' EC key
    assert len(keys) == 2 and len({key["kid"] for key in keys}) == 2
    assert all(key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig" for key in keys)
    assert all("d" not in key and "p" not in key for key in keys), "a private member leaked"
    # Each published key verifies what its KMS key signs.
    message = b"signed by KMS"
    verified = 0
    for kms_key_id in (aws.keys["TokenSigningKeyBlue"], aws.keys["TokenSigningKeyGreen"]):
        signature = aws.kms.sign(
            KeyId=kms_key_id, Message=message, MessageType="RAW", SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256"
        )["Signature"]
        for key in keys:
            public = RSAAlgorithm.from_jwk(key)
            try:
                public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
                verified += 1
            except Exception:  # noqa: S112  # the other key does not verify it, as it should not
                continue
    assert verified == 2


def test_an_unknown_route_is_a_404_from_the_gateway(stack):
    answer = stack.api.get("/no/such/route")
    assert answer.status == 404
