"""What every catalog resource does the same way: read one or 404, list a kind one page at a time."""

from __future__ import annotations

from typing import TypeVar

from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from boxoffice.errors import NotFound

M = TypeVar("M", bound=Model)


def get_or_404(model: type[M], key: str, what: str) -> M:
    try:
        return model.get(key, consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"No such {what}", details={f"{what}_id": key}) from None


def prefix_key(text: str) -> str:
    """How names are ordered and searched: case-insensitively."""
    return text.casefold()


def name_key(name: str, item_id: str) -> str:
    return f"{prefix_key(name)}#{item_id}"
