"""The payment provider this stack is configured with (settings.payment_provider).

Kept apart from provider.py, which only says what a provider is, so that a
provider's implementation imports the types and nothing imports back.
"""

from __future__ import annotations

from boxoffice.payments.provider import PaymentProvider
from boxoffice.payments.simulated import SimulatedProvider
from boxoffice.settings import get_settings


def get_provider() -> PaymentProvider:
    name = get_settings().payment_provider
    if name == "simulated":
        return SimulatedProvider()
    raise NotImplementedError(name)
