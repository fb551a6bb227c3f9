"""Limits that hold across accounts: per client address, per username and address, per screening.

A per-account limit is no limit for someone who makes accounts, so these
count what a client address (or a username tried from an address, or the new
accounts of a screening) did, with one conditional write: `hits` may only
grow while it stays within the limit, so racing requests can never pass it
together. Counters live in their own table with a TTL.

- `Window`: a rate, hits per fixed window (registrations, failed logins).
- `Gauge`: how much is live at once (held chairs). The hold's own transaction
  counts up, so only a hold that succeeded counts (a buyer who lost a race for
  a seat keeps their allowance); the transaction that ends the hold (cancel,
  pay, expiry) counts down, so the gauge is exactly the chairs held now (or
  lapsed and not yet swept: at most a minute more).
"""

from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition

from boxoffice.errors import TooManyRequests
from boxoffice.models.base import Transaction
from boxoffice.models.limits import RateCounter

# Kept a little past the window's end, then DynamoDB's TTL removes it.
_LINGER_SECONDS = 300


def _room(allowed: int, amount: int) -> Condition:
    """`amount` more still fits (the caller refuses an `amount` above `allowed` outright)."""
    return RateCounter.hits.does_not_exist() | (RateCounter.hits <= allowed - amount)


@dataclass(frozen=True)
class Window:
    """At most `allowed` hits per `seconds` for one subject (an address, a screening, ...)."""

    name: str
    allowed: int
    seconds: int

    def counter(self, subject: str, now: int) -> tuple[str, int]:
        """The counter's id and the end of the window `now` falls in."""
        start = now - now % self.seconds
        return f"{self.name}#{subject}#{start}", start + self.seconds

    def refusal(self, now: int, message: str, code: str) -> TooManyRequests:
        wait = max(1, self.seconds - now % self.seconds)
        return TooManyRequests(
            message,
            code=code,
            details={"retry_after_seconds": wait, "limit": self.allowed},
            headers={"Retry-After": str(wait)},
        )

    def take(self, subject: str, now: int, *, message: str, code: str, amount: int = 1) -> None:
        """Count `amount` now, or refuse (429) if that would pass the limit; one UpdateItem either way."""
        counter_id, ends = self.counter(subject, now)
        if amount > self.allowed:
            raise self.refusal(now, message, code)
        try:
            RateCounter(counter_id).update(
                actions=[RateCounter.hits.add(amount), RateCounter.expires_at.set(ends + _LINGER_SECONDS)],
                condition=_room(self.allowed, amount),
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
                raise self.refusal(now, message, code) from None
            raise

    def hits(self, counter: RateCounter | None) -> int:
        return int(counter.hits) if counter is not None else 0


@dataclass(frozen=True)
class Gauge:
    """At most `allowed` of something live at once for one subject (chairs held from an address, ...)."""

    name: str
    allowed: int

    def counter_id(self, subject: str) -> str:
        return f"{self.name}#{subject}"

    def refusal(self, message: str, code: str, retry_after: int) -> TooManyRequests:
        return TooManyRequests(
            message,
            code=code,
            details={"limit": self.allowed, "retry_after_seconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )

    def add_to(self, transaction: Transaction, label: str, subject: str, amount: int, keep_until: int) -> None:
        """Count `amount` up in `transaction` (refused, `label` in its failures, past the limit)."""
        transaction.update(
            label,
            RateCounter(self.counter_id(subject)),
            [RateCounter.hits.add(amount), RateCounter.expires_at.set(keep_until)],
            condition=_room(self.allowed, amount),
        )


def give_back(transaction: Transaction, counter_id: str, amount: int) -> None:
    """Count a gauge down in the transaction that ends what it counted (never refused)."""
    transaction.update(f"gauge:{counter_id}", RateCounter(counter_id), [RateCounter.hits.add(-amount)])
