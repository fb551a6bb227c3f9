"""How catalog names are keyed: ordered and searched case-insensitively."""

from __future__ import annotations


def prefix_key(text: str) -> str:
    """How names are ordered and searched: case-insensitively."""
    return text.casefold()


def name_key(name: str, item_id: str) -> str:
    return f"{prefix_key(name)}#{item_id}"
