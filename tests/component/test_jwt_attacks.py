"""The authorizer refuses every forged, stale or foreign token; a refusal is a 401, never a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from boxoffice.auth.keys import fetch_public_key
from boxoffice.clock import now_epoch
from local.runtime import FunctionError
from tests.harness import TEST_ISSUER
from tools.generate_events import authorizer_event


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def encode(header: dict, claims: dict) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"


def kms_signed(aws, header: dict, claims: dict, key: str = "TokenSigningKeyBlue") -> str:
    """A token signed by the stack's own KMS key: only the claims or header make it wrong."""
    signing_input = encode(header, claims)
    signature = aws.kms.sign(
        KeyId=aws.keys[key],
        Message=signing_input.encode(),
        MessageType="RAW",
        SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256",
    )["Signature"]
    return f"{signing_input}.{b64(signature)}"


@pytest.fixture
def victim(accounts):
    return accounts.customer("victim")


@pytest.fixture
def good(aws, victim):
    """The header and claims of a genuine token of the victim."""
    header = jwt.get_unverified_header(victim.token)
    claims = jwt.decode(victim.token, options={"verify_signature": False})
    return header, claims


def authorize(stack, token: str, route: str = "GET /me") -> dict:
    event = authorizer_event()
    event["headers"] = {"authorization": f"Bearer {token}"}
    event["routeKey"] = event["requestContext"]["routeKey"] = route
    event["requestContext"]["domainName"] = "boxoffice.test"
    return stack.invoke("AuthorizerFunction", event)


def assert_refused(stack, token: str) -> None:
    with pytest.raises(FunctionError) as refused:
        authorize(stack, token)
    assert refused.value.payload["errorMessage"] == "Unauthorized"
    answer = stack.api.get("/me", token=token)
    assert answer.status == 401, answer


def test_the_genuine_token_is_accepted(stack, victim, good, aws):
    decision = authorize(stack, victim.token)
    assert decision["isAuthorized"] is True
    assert decision["context"]["sub"] == victim.user_id
    # Re-signing the genuine claims with our KMS key is accepted too: the helper itself is sound.
    assert authorize(stack, kms_signed(aws, *good))["isAuthorized"] is True


def test_alg_none(stack, good):
    header, claims = good
    assert_refused(stack, encode({**header, "alg": "none"}, claims) + ".")


def test_hs256_signed_with_the_public_key_as_secret(stack, good, aws):
    header, claims = good
    public_pem = fetch_public_key(aws.keys["TokenSigningKeyBlue"]).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = encode({**header, "alg": "HS256"}, claims)
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    assert_refused(stack, f"{signing_input}.{b64(signature)}")


@pytest.mark.parametrize("kid", ["unknown-kid", "../../../../etc/passwd", "' OR '1'='1", "", None, 42])
def test_kids_that_are_unknown_or_hostile(stack, good, aws, kid):
    header, claims = good
    assert_refused(stack, kms_signed(aws, {**header, "kid": kid}, claims))


def test_a_tampered_payload(stack, victim, good):
    header, claims = good
    signature = victim.token.split(".")[2]
    forged = {**claims, "scope": "users:manage orders:manage", "sub": "someone-else"}
    assert_refused(stack, f"{encode(header, forged)}.{signature}")


def test_expired(stack, good, aws):
    header, claims = good
    assert_refused(stack, kms_signed(aws, header, {**claims, "exp": now_epoch() - 5}))


def test_a_well_signed_token_living_longer_than_any_session_is_refused(stack, good, aws):
    """However it was minted (a leaked key, a bug): no account's session lasts more than a day."""
    header, claims = good
    assert_refused(stack, kms_signed(aws, header, {**claims, "exp": claims["iat"] + 24 * 3600 + 1}))


def test_a_well_signed_token_living_longer_than_its_accounts_session_is_refused(stack, good, aws):
    header, claims = good
    lifetime = claims["exp"] - claims["iat"]  # the account's session length: what login gives
    assert authorize(stack, kms_signed(aws, header, {**claims, "jti": "same-length"}))["isAuthorized"] is True
    longer = kms_signed(aws, header, {**claims, "exp": claims["iat"] + lifetime + 1, "jti": "one-second-longer"})
    assert_refused(stack, longer)


def test_not_before_in_the_future(stack, good, aws):
    header, claims = good
    assert_refused(stack, kms_signed(aws, header, {**claims, "nbf": now_epoch() + 3600}))


def test_issued_in_the_future(stack, good, aws):
    header, claims = good
    assert_refused(stack, kms_signed(aws, header, {**claims, "iat": now_epoch() + 3600}))


@pytest.mark.parametrize("issuer", ["https://evil.example", f"{TEST_ISSUER}/", TEST_ISSUER.upper(), ""])
def test_wrong_issuer(stack, good, aws, issuer):
    header, claims = good
    assert_refused(stack, kms_signed(aws, header, {**claims, "iss": issuer}))


def test_wrong_client_id(stack, good, aws):
    header, claims = good
    assert_refused(stack, kms_signed(aws, header, {**claims, "client_id": "another-app"}))


@pytest.mark.parametrize("token_use", ["id", "refresh", "", None])
def test_not_an_access_token(stack, good, aws, token_use):
    header, claims = good
    assert_refused(stack, kms_signed(aws, header, {**claims, "token_use": token_use}))


@pytest.mark.parametrize("missing", ["exp", "iat", "sub", "iss", "client_id", "token_use"])
def test_a_required_claim_is_missing(stack, good, aws, missing):
    header, claims = good
    assert_refused(stack, kms_signed(aws, header, {name: value for name, value in claims.items() if name != missing}))


@pytest.mark.parametrize("exp", ["tomorrow", None, [1]])
def test_exp_that_is_not_a_number(stack, good, aws, exp):
    header, claims = good
    assert_refused(stack, kms_signed(aws, header, {**claims, "exp": exp}))


def test_signed_by_another_rsa_key_under_our_kid(stack, good):
    header, claims = good
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert_refused(stack, jwt.encode(claims, other, algorithm="RS256", headers={"kid": header["kid"]}))


def test_an_unknown_critical_header(stack, good, aws):
    header, claims = good
    assert_refused(stack, kms_signed(aws, {**header, "crit": ["x-boxoffice-ext"], "x-boxoffice-ext": 1}, claims))


def test_a_token_issued_before_the_account_was_deleted(stack, accounts, victim):
    admin = accounts.admin()
    assert stack.api.delete(f"/users/{victim.user_id}", token=admin.token).status == 204
    assert_refused(stack, victim.token)


@pytest.mark.parametrize(
    "value", ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer x.y.z", "garbage", "Bearer " + "A" * 9000]
)
def test_malformed_authorization_headers(stack, value):
    answer = stack.api.get("/me", headers={"Authorization": value})
    assert answer.status == 401


def test_no_authorization_header(stack):
    assert stack.api.get("/me").status == 401


def test_the_other_published_key_also_verifies(stack, good, aws):
    """Rotation: a token signed by the key that does not sign today still verifies."""
    header, claims = good
    green_kid = fetch_public_key(aws.keys["TokenSigningKeyGreen"]).kid
    assert green_kid != header["kid"]
    token = kms_signed(aws, {**header, "kid": green_kid}, claims, key="TokenSigningKeyGreen")
    assert authorize(stack, token)["isAuthorized"] is True
    # ...but only under its own kid.
    assert_refused(stack, kms_signed(aws, header, claims, key="TokenSigningKeyGreen"))


def test_the_authorizer_reads_at_most_one_item_and_kms_only_on_a_cold_start(stack, victim, aws_calls):
    authorize(stack, victim.token)  # warm it up (its keys come from KMS once)
    aws_calls.reset()
    for route in ("GET /me", "GET /users", "GET /movies"):
        authorize(stack, victim.token, route)
        assert aws_calls.total("dynamodb") <= 1 and aws_calls.of("kms") == {}
        aws_calls.reset()
