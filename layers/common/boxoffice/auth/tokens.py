"""Access tokens shaped like Amazon Cognito user-pool access tokens, signed by KMS.

PyJWT builds and verifies the JWS; the only thing it cannot do is reach a key
it does not hold, so signing goes through a PyJWT `Algorithm` whose `sign`
asks KMS (RSASSA_PKCS1_V1_5_SHA_256, i.e. RS256). The private key never
leaves KMS.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from jwt.algorithms import Algorithm
from jwt.api_jws import PyJWS

from boxoffice import aws
from boxoffice.auth.keys import key_ring
from boxoffice.settings import get_settings

TOKEN_USE = "access"  # noqa: S105  # the Cognito claim value, not a secret


class KmsRs256(Algorithm):
    """RS256 whose private key is a KMS key id."""

    def prepare_key(self, key: Any) -> str:
        if not isinstance(key, str) or not key:
            raise TypeError("a KMS key id is required")
        return key

    def sign(self, msg: bytes, key: str) -> bytes:
        answer = aws.client("kms").sign(
            KeyId=key, Message=msg, MessageType="RAW", SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256"
        )
        return bytes(answer["Signature"])

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:  # verification uses PyJWT's own RS256
        raise NotImplementedError

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:
        raise NotImplementedError

    @staticmethod
    def from_jwk(jwk: Any) -> Any:
        raise NotImplementedError


_signer = PyJWS(algorithms=[])
_signer.register_algorithm("RS256", KmsRs256())


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    expires_at: int


def groups_for(permissions: frozenset[str] | set[str], account_type: str) -> list[str]:
    groups = ["customers"] if account_type == "customer" else ["staff"]
    if "users:manage" in permissions:
        groups.append("administrators")
    return groups


def issue_access_token(
    *,
    issuer: str,
    user_id: str,
    username: str,
    permissions: list[str],
    account_type: str,
    session_minutes: int,
    now: int,
) -> IssuedToken:
    settings = get_settings()
    lifetime = session_minutes * 60
    jti = str(uuid.uuid4())
    claims = {
        "iss": issuer,
        "sub": user_id,
        "token_use": TOKEN_USE,
        "client_id": settings.token_client_id,
        "username": username,
        "scope": " ".join(sorted(permissions)),
        "cognito:groups": groups_for(set(permissions), account_type),
        "auth_time": now,
        "iat": now,
        "exp": now + lifetime,
        "jti": jti,
        "origin_jti": jti,
        "event_id": str(uuid.uuid4()),
        "version": 2,
    }
    token = _signer.encode(
        json.dumps(claims, separators=(",", ":")).encode(),
        key=settings.token_signing_key_id,
        algorithm="RS256",
        headers={"kid": key_ring.signing_kid()},
    )
    return IssuedToken(access_token=token, expires_in=lifetime, expires_at=now + lifetime)
