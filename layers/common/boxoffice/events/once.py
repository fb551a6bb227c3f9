"""Applying an event once: its changes and a conditional `applied#<event_id>` mark in one transaction."""

from __future__ import annotations

from typing import Any

from pynamodb.models import Model

from boxoffice.clock import now_epoch
from boxoffice.models.base import Transaction

# Longer than EventBridge retries an event (24 hours): a redelivery always finds the mark.
APPLIED_MARK_DAYS = 3


def marked(model: type[Model], event_id: str, **key: Any) -> Transaction:
    """A transaction that starts with the event's mark (an item of `model`, put only if it is not there)."""
    transaction = Transaction()
    hash_name = str(model._hash_keyname)
    mark = model(**{hash_name: f"applied#{event_id}", **key}, expires_at=now_epoch() + APPLIED_MARK_DAYS * 86400)
    transaction.put("applied", mark, condition=getattr(model, hash_name).does_not_exist())
    return transaction


def already_applied(cancelled: Any) -> bool:
    """Whether a cancelled transaction was refused by its mark: the event was applied before."""
    return "applied" in cancelled.failed()
