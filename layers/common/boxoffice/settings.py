"""Settings read once from the environment, lazily.

Nothing here runs at import time: `get_settings()` builds the object on first
use and caches it, so tests change the environment and call `reset_settings()`.
Each function's template entry gives it only the variables it needs; reading a
table a function was not given fails loudly instead of guessing a name.

A plain frozen dataclass, not a pydantic model: the authorizer sits in front
of every request and reads settings, and pydantic costs it ~80 ms of cold
start (benchmarks/results.md). Each value is still checked when read.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from boxoffice.errors import ConfigurationError

# Every setting is the upper-cased variable of its name, except:
_VARIABLE_OF = {"region": "AWS_REGION"}
_RANGES = {
    "hold_seconds": (10, 3600),
    "max_chairs_per_order": (1, 40),
    "max_held_chairs_per_user": (1, 200),
    "max_holds_per_minute": (1, 10_000),
    "refund_cutoff_minutes": (0, 10_080),
    "cleaning_minutes": (0, 240),
    "sweep_batch_size": (1, 1000),
    "login_max_failures": (1, 100),
    "login_lock_minutes": (1, 1440),
    "max_logins_per_minute": (1, 1000),
    "payment_claim_seconds": (5, 900),
    "max_registrations_per_address": (1, 100_000),
    "login_failures_per_address": (1, 100_000),
    "max_held_chairs_per_address": (1, 100_000),
    "new_account_hours": (0, 8760),
    "new_account_share_percent": (1, 100),
    "audit_retention_days": (1, 3650),
}
_CHOICES = {"stage": ("local", "dev", "prod", "test"), "payment_provider": ("simulated",)}
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
    "payment_ledger": "PAYMENT_LEDGER_TABLE",
    "rate_limits": "RATE_LIMITS_TABLE",
    "till": "TILL_TABLE",
    "events": "EVENTS_TABLE",
    "audit": "AUDIT_TABLE",
    "reports": "REPORTS_TABLE",
    "recommendations": "RECOMMENDATIONS_TABLE",
    "webhooks": "WEBHOOKS_TABLE",
    "venues": "VENUES_TABLE",
}


@dataclass(frozen=True)
class Settings:
    stage: str = "dev"
    region: str = "us-east-1"
    # Where DynamoDB and KMS are when Stage=local (make run, sam local); ignored in any other stage.
    local_aws_endpoint: str = ""
    hold_seconds: int = 600
    max_chairs_per_order: int = 10
    max_held_chairs_per_user: int = 10
    max_holds_per_minute: int = 20
    refund_cutoff_minutes: int = 120
    cleaning_minutes: int = 15
    sweep_batch_size: int = 100
    # Token issuing and verification
    token_signing_key_id: str = ""
    token_verify_key_ids: str = ""
    token_client_id: str = "boxoffice"  # noqa: S105  # an app client id, not a secret
    issuer_url: str = ""
    # The KMS HMAC key tickets' signing key is derived from (boxoffice.booking.ticket_key).
    ticket_key_id: str = ""
    cognito_user_pool_id: str = ""
    cognito_client_id: str = ""
    # Where the pool's public keys are; empty means the pool's standard jwks.json.
    cognito_jwks_url: str = ""
    # Failed logins for one username from one address before each further try must wait (1 s, 2 s, 4 s, ...).
    login_max_failures: int = 5
    # The longest such wait, and the window of the per-address failure count.
    login_lock_minutes: int = 15
    # Failed logins from one address, across all usernames, per login_lock_minutes (password spraying).
    login_failures_per_address: int = 30
    # Accounts registered from one address per hour.
    max_registrations_per_address: int = 10
    # Chairs customers at one address may newly hold per hold window (so at most twice that at once).
    max_held_chairs_per_address: int = 40
    # Customer accounts younger than this are new: together they may newly hold at most
    # new_account_share_percent of a screening's chairs per hold window.
    new_account_hours: int = 24
    new_account_share_percent: int = 10
    max_logins_per_minute: int = 10
    payment_provider: str = "simulated"
    # How long a payment attempt keeps the order to itself: longer than one invocation can run.
    payment_claim_seconds: int = 30
    # Domain events (boxoffice.events): the stack's bus, how long audit entries are kept, where failed webhook
    # deliveries are dead-lettered.
    event_bus_name: str = ""
    audit_retention_days: int = 400
    webhook_dead_letter_queue_url: str = ""
    # The default venue ("Main": every hall made before venues existed) is made from these (boxoffice.venues).
    default_timezone: str = "Europe/Berlin"
    default_currency: str = "EUR"
    default_tax_percent: str = "7"
    tables: Mapping[str, str] = field(default_factory=dict)

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
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        values: dict[str, object] = {}
        for setting in fields(cls):
            if setting.name == "tables":
                continue
            variable = _VARIABLE_OF.get(setting.name, setting.name.upper())
            raw = environ.get(variable) or (environ.get("AWS_DEFAULT_REGION") if setting.name == "region" else None)
            if raw is not None and (raw != "" or isinstance(setting.default, str)):
                values[setting.name] = _parse(setting.name, variable, raw, setting.default)
        tables = {name: environ[variable] for name, variable in _TABLE_VARIABLES.items() if environ.get(variable)}
        return cls(**values, tables=tables)  # type: ignore[arg-type]  # each value parsed to its field's type above


def _parse(name: str, variable: str, raw: str, default: object) -> object:
    if isinstance(default, int):
        try:
            value = int(raw)
        except ValueError:
            raise ConfigurationError(f"{variable} must be a whole number, not {raw!r}") from None
        low, high = _RANGES[name]
        if not low <= value <= high:
            raise ConfigurationError(f"{variable} must be between {low} and {high}, not {value}")
        return value
    if name in _CHOICES and raw not in _CHOICES[name]:
        raise ConfigurationError(f"{variable} must be one of {', '.join(_CHOICES[name])}, not {raw!r}")
    return raw


@functools.cache
def get_settings() -> Settings:
    return Settings.from_environ(os.environ)


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
