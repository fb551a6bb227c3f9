"""What every catalog resource does the same way: read one or 404, list a kind one page at a time."""

from __future__ import annotations

from typing import Any, TypeVar

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from boxoffice.errors import NotFound
from boxoffice.pagination import decode_cursor, one_page

M = TypeVar("M", bound=Model)


def get_or_404(model: type[M], key: str, what: str) -> M:
    try:
        return model.get(key, consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"No such {what}", details={f"{what}_id": key}) from None


def query_page(
    model: type[M], index: Any, hash_value: str, *, keys: set[str], limit: int, cursor: str | None,
    range_condition: Condition | None = None, filter_condition: Condition | None = None,
    newest_first: bool = False,
) -> tuple[list[M], str | None]:
    """One page of an index query, in the index's order: exactly one DynamoDB Query.

    `keys` are the attributes of the index's LastEvaluatedKey (table key + index key),
    which is all a cursor may carry.
    """
    results = index.query(
        hash_value, range_condition, filter_condition, page_size=limit,
        last_evaluated_key=decode_cursor(cursor, keys), scan_index_forward=not newest_first,
    )
    return one_page(results, model, keys)


def kind_keys(model: type[Model], range_key: str) -> set[str]:
    """The cursor keys of a (kind, <range_key>) index of `model`."""
    return {model._hash_keyname, "kind", range_key}  # type: ignore[attr-defined]


def prefix_key(text: str) -> str:
    """How names are ordered and searched: case-insensitively."""
    return text.casefold()


def name_key(name: str, item_id: str) -> str:
    return f"{prefix_key(name)}#{item_id}"
