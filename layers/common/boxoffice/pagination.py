"""Opaque list cursors: a DynamoDB LastEvaluatedKey, base64url'd JSON.

A cursor only ever continues the query it came from; one that was tampered
with or belongs to another query is a 422, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from boxoffice.errors import Invalid

_MAX_KEYS = 6


def encode_cursor(last_evaluated_key: dict[str, Any] | None) -> str | None:
    if not last_evaluated_key:
        return None
    raw = json.dumps(last_evaluated_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str | None, expected_keys: set[str]) -> dict[str, Any] | None:
    """The LastEvaluatedKey a cursor carries, checked to have exactly the key attributes of its query."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise Invalid("The cursor is not one this API gave out", code="INVALID_CURSOR") from error
    valid = (
        isinstance(key, dict)
        and len(key) <= _MAX_KEYS
        and set(key) == expected_keys
        and all(
            isinstance(value, dict) and len(value) == 1
            and next(iter(value)) in ("S", "N") and isinstance(next(iter(value.values())), str)
            for value in key.values()
        )
    )
    if not valid:
        raise Invalid("The cursor is not one this API gave out", code="INVALID_CURSOR")
    return key


def one_page(results: Any, model: Any, cursor_keys: set[str]) -> tuple[list[Any], str | None]:
    """The first page of a PynamoDB query: exactly one DynamoDB Query, whatever its filter keeps.

    `results` is a query made with `page_size=<limit>` and
    `last_evaluated_key=decode_cursor(...)`. A filtered page may hold fewer
    items than asked (even none) and still have a cursor: the cost of a page is
    bounded, not the number of items.
    """
    page = next(results.page_iter, None) or {}
    items = [model.from_raw_data(raw) for raw in page.get("Items", [])]
    last_key = results.page_iter.last_evaluated_key
    if last_key is not None and set(last_key) != cursor_keys:
        raise ValueError(f"the query's key is {sorted(last_key)}, not {sorted(cursor_keys)}")
    return items, encode_cursor(last_key)
