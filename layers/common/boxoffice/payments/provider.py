"""What Boxoffice needs from a payment provider, shaped so a real one (Stripe and the like) plugs in.

Every call carries an idempotency key: the provider performs an operation once
per key and answers a repeated call with the first result. That is what makes
a retried payment (a lost response, a crashed function) safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Charge:
    charge_id: str
    amount_cents: int
    currency: str


@dataclass(frozen=True)
class Refund:
    refund_id: str
    charge_id: str
    amount_cents: int


class PaymentDeclinedError(Exception):
    """The payment method was refused (the customer can try another)."""


class ProviderUnavailableError(Exception):
    """The provider did not answer or failed; nothing is known to have been charged. Safe to retry."""


class PaymentProvider(Protocol):
    def charge(
        self, *, amount_cents: int, currency: str, payment_method: str, idempotency_key: str, description: str
    ) -> Charge:
        """Charge once per key; raises PaymentDeclinedError or ProviderUnavailableError."""

    def refund(self, *, charge_id: str, amount_cents: int, idempotency_key: str) -> Refund:
        """Refund once per key; raises ProviderUnavailableError."""

    def find_charge(self, idempotency_key: str) -> Charge | None:
        """The charge made with this key, if any (to reconcile after a crash)."""
