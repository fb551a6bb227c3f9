"""Settings read once from the environment, lazily.

Nothing here runs at import time: `get_settings()` builds the object on first
use and caches it, so tests change the environment and call `reset_settings()`.
Each function's template entry gives it only the variables it needs; reading a
table a function was not given fails loudly instead of guessing a name.
"""

from __future__ import annotations

import functools
import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from boxoffice.errors import ConfigurationError

_TABLE_VARIABLES = {
    "users": "USERS_TABLE",
    "movies": "MOVIES_TABLE",
    "members": "MEMBERS_TABLE",
    "subscriptions": "SUBSCRIPTIONS_TABLE",
    "halls": "HALLS_TABLE",
    "screenings": "SCREENINGS_TABLE",
    "chairs": "CHAIRS_TABLE",
    "orders": "ORDERS_TABLE",
    "hold_quotas": "HOLD_QUOTAS_TABLE",
    "idempotency": "IDEMPOTENCY_TABLE",
    "payment_ledger": "PAYMENT_LEDGER_TABLE",
}


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    stage: Literal["local", "dev", "prod", "test"] = Field("dev", alias="STAGE")
    region: str = Field("us-east-1", alias="AWS_REGION")
    # Where DynamoDB and KMS are when Stage=local (make run, sam local); ignored in any other stage.
    local_aws_endpoint: str = Field("", alias="LOCAL_AWS_ENDPOINT")
    hold_seconds: int = Field(600, alias="HOLD_SECONDS", ge=10, le=3600)
    max_chairs_per_order: int = Field(10, alias="MAX_CHAIRS_PER_ORDER", ge=1, le=40)
    max_held_chairs_per_user: int = Field(10, alias="MAX_HELD_CHAIRS_PER_USER", ge=1, le=200)
    max_holds_per_minute: int = Field(20, alias="MAX_HOLDS_PER_MINUTE", ge=1, le=10_000)
    refund_cutoff_minutes: int = Field(120, alias="REFUND_CUTOFF_MINUTES", ge=0, le=10_080)
    cleaning_minutes: int = Field(15, alias="CLEANING_MINUTES", ge=0, le=240)
    sweep_batch_size: int = Field(100, alias="SWEEP_BATCH_SIZE", ge=1, le=1000)
    # Token issuing and verification
    token_signing_key_id: str = Field("", alias="TOKEN_SIGNING_KEY_ID")
    token_verify_key_ids: str = Field("", alias="TOKEN_VERIFY_KEY_IDS")
    token_client_id: str = Field("boxoffice", alias="TOKEN_CLIENT_ID")
    issuer_url: str = Field("", alias="ISSUER_URL")
    cognito_user_pool_id: str = Field("", alias="COGNITO_USER_POOL_ID")
    cognito_client_id: str = Field("", alias="COGNITO_CLIENT_ID")
    # Where the pool's public keys are; empty means the pool's standard jwks.json.
    cognito_jwks_url: str = Field("", alias="COGNITO_JWKS_URL")
    login_max_failures: int = Field(5, alias="LOGIN_MAX_FAILURES", ge=1, le=100)
    login_lock_minutes: int = Field(15, alias="LOGIN_LOCK_MINUTES", ge=1, le=1440)
    max_logins_per_minute: int = Field(10, alias="MAX_LOGINS_PER_MINUTE", ge=1, le=1000)
    payment_provider: Literal["simulated"] = Field("simulated", alias="PAYMENT_PROVIDER")
    # How long a payment attempt keeps the order to itself: longer than one invocation can run.
    payment_claim_seconds: int = Field(30, alias="PAYMENT_CLAIM_SECONDS", ge=5, le=900)
    tables: dict[str, str] = Field(default_factory=dict)

    def table(self, name: str) -> str:
        """The physical name of one of our tables, or a clear error if this function was not given it."""
        value = self.tables.get(name)
        if not value:
            raise ConfigurationError(f"{_TABLE_VARIABLES[name]} is not set for this function")
        return value

    @property
    def aws_endpoint(self) -> str | None:
        return (self.local_aws_endpoint or None) if self.stage == "local" else None

    @property
    def verify_key_ids(self) -> list[str]:
        """Every KMS key whose public half verifies our tokens: the active one first, then older ones."""
        extra = [key for key in self.token_verify_key_ids.split(",") if key.strip()]
        keys = [self.token_signing_key_id, *(key.strip() for key in extra)]
        return list(dict.fromkeys(key for key in keys if key))

    @classmethod
    def from_environ(cls, environ: dict[str, str] | os._Environ) -> Settings:
        values = {key: value for key, value in environ.items() if key in cls._aliases()}
        values.setdefault("AWS_REGION", environ.get("AWS_DEFAULT_REGION", "us-east-1"))
        tables = {name: environ[variable] for name, variable in _TABLE_VARIABLES.items() if environ.get(variable)}
        return cls.model_validate({**values, "tables": tables})

    @classmethod
    @functools.cache
    def _aliases(cls) -> frozenset[str]:
        return frozenset(field.alias for field in cls.model_fields.values() if field.alias)


@functools.cache
def get_settings() -> Settings:
    return Settings.from_environ(os.environ)


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
