"""The built-in payment provider for local use and tests: deterministic, with a real ledger.

`tok_ok` is charged, `tok_declined` is declined, `tok_error` fails as if the
provider were down, anything else is declined as unknown. Charges and refunds
are kept in the PaymentLedgerTable by idempotency key, so a repeated call
returns the first result (a decline included) exactly as a real provider
would, across function instances.
"""

from __future__ import annotations

import secrets

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.models import Model

from boxoffice.clock import now_epoch
from boxoffice.models.base import BaseMeta, IntegerAttribute, TableName
from boxoffice.payments.provider import Charge, PaymentDeclinedError, ProviderUnavailableError, Refund

SUCCEEDS, DECLINED, FAILS = "tok_ok", "tok_declined", "tok_error"


class LedgerEntry(Model):
    class Meta(BaseMeta):
        table_name = TableName("payment_ledger")

    idempotency_key = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()  # charge | refund
    outcome = UnicodeAttribute()  # succeeded | declined
    reference = UnicodeAttribute()  # ch_... or re_...
    charge_id = UnicodeAttribute(null=True)
    amount_cents = IntegerAttribute()
    currency = UnicodeAttribute(null=True)
    calls = IntegerAttribute(default=1)  # how often this key was asked (for tests)
    created_at = IntegerAttribute()


def _first_or_record(entry: LedgerEntry) -> LedgerEntry:
    """Record the entry unless its key was seen; either way, the entry the key stands for."""
    try:
        entry.save(condition=LedgerEntry.idempotency_key.does_not_exist())
        return entry
    except PutError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise ProviderUnavailableError(str(error)) from error
    first = LedgerEntry.get(entry.idempotency_key, consistent_read=True)
    first.update(actions=[LedgerEntry.calls.add(1)])
    return first


class SimulatedProvider:
    def charge(
        self, *, amount_cents: int, currency: str, payment_method: str, idempotency_key: str, description: str
    ) -> Charge:
        if payment_method == FAILS:
            raise ProviderUnavailableError("the simulated provider is down for tok_error")
        outcome = "succeeded" if payment_method == SUCCEEDS else "declined"
        entry = _first_or_record(
            LedgerEntry(
                idempotency_key=idempotency_key,
                kind="charge",
                outcome=outcome,
                reference=f"ch_{secrets.token_hex(12)}",
                amount_cents=amount_cents,
                currency=currency,
                created_at=now_epoch(),
            )
        )
        if entry.outcome != "succeeded":
            raise PaymentDeclinedError("declined" if payment_method in (SUCCEEDS, DECLINED) else "unknown method")
        return Charge(charge_id=entry.reference, amount_cents=int(entry.amount_cents), currency=entry.currency or "")

    def refund(self, *, charge_id: str, amount_cents: int, idempotency_key: str) -> Refund:
        entry = _first_or_record(
            LedgerEntry(
                idempotency_key=idempotency_key,
                kind="refund",
                outcome="succeeded",
                reference=f"re_{secrets.token_hex(12)}",
                charge_id=charge_id,
                amount_cents=amount_cents,
                created_at=now_epoch(),
            )
        )
        return Refund(refund_id=entry.reference, charge_id=charge_id, amount_cents=int(entry.amount_cents))

    def find_charge(self, idempotency_key: str) -> Charge | None:
        try:
            entry = LedgerEntry.get(idempotency_key, consistent_read=True)
        except DoesNotExist:
            return None
        if entry.kind != "charge" or entry.outcome != "succeeded":
            return None
        return Charge(charge_id=entry.reference, amount_cents=int(entry.amount_cents), currency=entry.currency or "")
