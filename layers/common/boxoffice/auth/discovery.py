"""Where our tokens come from: the issuer URL and its OpenID discovery document."""

from __future__ import annotations

from typing import Any

from boxoffice.settings import get_settings


def issuer_url(domain_name: str | None) -> str:
    """The configured issuer, or the API's own https origin when none is configured."""
    configured = get_settings().issuer_url.rstrip("/")
    if configured:
        return configured
    return f"https://{domain_name}" if domain_name else ""


def openid_configuration(issuer: str) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "token_endpoint": f"{issuer}/auth/login",
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "grant_types_supported": ["password"],
        "claims_supported": [
            "iss",
            "sub",
            "token_use",
            "client_id",
            "username",
            "scope",
            "cognito:groups",
            "auth_time",
            "iat",
            "exp",
            "jti",
        ],
    }
