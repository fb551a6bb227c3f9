"""Opaque ids: random for things created once, derived for things that must be created once."""

from __future__ import annotations

import hashlib
import uuid


def new_id() -> str:
    return uuid.uuid4().hex


def derived_id(*parts: object) -> str:
    """The same id for the same parts, so a retried creation finds what the first attempt made."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]
