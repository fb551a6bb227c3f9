"""Pages of a DynamoDB query, and the opaque cursors that continue them.

A cursor is the key of the last item a page returned (base64url'd JSON). It
is checked against the key schema of the query it is used with: exactly the
table's and the index's key attributes, each of its declared type and within
DynamoDB's size limits, and the partition value must be the query's own. So a
forged or edited cursor can never reach DynamoDB as something it refuses (a
422 INVALID_CURSOR, never a 5xx), and it can only move within the partition
the caller's own query reads: it cannot page through another user's orders.
A start key DynamoDB still refuses (outside a range condition) is an
INVALID_CURSOR as well.

A filtered query keeps reading until it has the `limit` items asked for, or
the query ends, or `MAX_REQUESTS_PER_PAGE` requests were made; the cursor then
points just after the last item returned, so nothing is skipped and an empty
page means there is nothing more (short of that request bound).
"""

from __future__ import annotations

import base64
import binascii
import json
import operator
import re
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from pynamodb.exceptions import QueryError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from boxoffice.errors import Invalid

M = TypeVar("M", bound=Model)

# A filtered page reads at most this many DynamoDB pages (each up to 1 MB) before it answers.
MAX_REQUESTS_PER_PAGE = 10
# A filtered query reads this many items per request at least: fewer requests for a sparse filter.
FILTERED_READ_SIZE = 200
MAX_CURSOR_CHARS = 2048
# DynamoDB's own limits: a partition key value up to 2048 bytes, a sort key up to 1024, numbers 38 digits.
_MAX_KEY_BYTES = 1024
_NUMBER = re.compile(r"-?\d{1,38}(\.\d{1,38})?")


def _refused() -> Invalid:
    return Invalid("The cursor is not one this API gave out for this list", code="INVALID_CURSOR")


def key_schema(model: type[Model], index: Any = None) -> dict[str, str]:
    """Every attribute of the query's LastEvaluatedKey and its type ("S" or "N"): the table's key and the index's."""
    attributes = {name: attr for name, attr in model.get_attributes().items() if attr.is_hash_key or attr.is_range_key}
    if index is not None:
        attributes.update(
            {attr.attr_name: attr for attr in index.Meta.attributes.values() if attr.is_hash_key or attr.is_range_key}
        )
    return {attr.attr_name: attr.attr_type for attr in attributes.values()}


def _partition_attribute(model: type[Model], index: Any) -> str:
    source = index.Meta.attributes.values() if index is not None else model.get_attributes().values()
    return next(attr.attr_name for attr in source if attr.is_hash_key)


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    raw = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _valid_value(kind: str, value: Any) -> bool:
    if not isinstance(value, dict) or set(value) != {kind} or not isinstance(value[kind], str):
        return False
    text = value[kind]
    if kind == "S":
        return 0 < len(text.encode("utf-8", "surrogatepass")) <= _MAX_KEY_BYTES and text.isprintable()
    if not _NUMBER.fullmatch(text):
        return False
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def decode_cursor(
    cursor: str | None,
    schema: dict[str, str],
    partition: dict[str, str] | None = None,
) -> dict[str, Any] | None:
    """The start key a cursor carries, if it fits the query: its key attributes, types and partition value."""
    if not cursor:
        return None
    if len(cursor) > MAX_CURSOR_CHARS:
        raise _refused()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError, RecursionError):
        raise _refused() from None
    if not isinstance(key, dict) or set(key) != set(schema):
        raise _refused()
    if not all(_valid_value(schema[name], value) for name, value in key.items()):
        raise _refused()
    for name, expected in (partition or {}).items():
        if key[name] != {schema[name]: str(expected)}:
            raise _refused()
    return key


_COMPARISONS = {"=": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _typed(value: dict[str, str]) -> Decimal | str:
    kind, text = next(iter(value.items()))
    return Decimal(text) if kind == "N" else text


def within(range_condition: Condition | None, key: dict[str, Any]) -> bool:
    """Whether a start key lies inside the query's sort-key condition (DynamoDB refuses one outside it)."""
    if range_condition is None:
        return True
    path, *bounds = range_condition.values
    name = str(path.path[0]) if hasattr(path, "path") else str(path)
    if name not in key:
        return False
    value = _typed(key[name])
    limits = [_typed(bound.value) for bound in bounds]
    if isinstance(value, Decimal) != all(isinstance(limit, Decimal) for limit in limits):
        return False
    name_of_test = range_condition.operator
    if name_of_test == "BETWEEN":
        return bool(operator.le(limits[0], value) and operator.le(value, limits[1]))
    if name_of_test == "begins_with":
        return str(value).startswith(str(limits[0]))
    test = _COMPARISONS.get(name_of_test)
    return bool(test(value, limits[0])) if test else False


def _start_key_refused(error: QueryError) -> bool:
    return getattr(error, "cause_response_code", None) == "ValidationException"


def query_page(
    model: type[M],
    index: Any,
    hash_value: str,
    *,
    limit: int,
    cursor: str | None,
    range_condition: Condition | None = None,
    filter_condition: Condition | None = None,
    newest_first: bool = False,
    consistent_read: bool = False,
) -> tuple[list[M], str | None]:
    """Up to `limit` items of a query (of `index`, or of the table when it is None), in its order.

    Unfiltered: exactly one DynamoDB Query. Filtered: Queries until `limit`
    items matched, the query ended, or MAX_REQUESTS_PER_PAGE were made.
    """
    schema = key_schema(model, index)
    start = decode_cursor(cursor, schema, {_partition_attribute(model, index): hash_value})
    if start is not None and not within(range_condition, start):
        raise _refused()
    source: Any = index if index is not None else model
    page_size = limit if filter_condition is None else min(max(limit, FILTERED_READ_SIZE), 1000)
    raw_items: list[dict[str, Any]] = []
    for _ in range(MAX_REQUESTS_PER_PAGE):
        results = source.query(
            hash_value,
            range_condition,
            filter_condition,
            page_size=page_size,
            last_evaluated_key=start,
            scan_index_forward=not newest_first,
            consistent_read=consistent_read,
        )
        try:
            page = next(results.page_iter, None) or {}
        except QueryError as error:
            if cursor and _start_key_refused(error):
                raise _refused() from None
            raise
        found = page.get("Items", [])
        start = results.page_iter.last_evaluated_key
        if len(raw_items) + len(found) >= limit:
            taken = found[: limit - len(raw_items)]
            raw_items += taken
            ended = start is None and len(taken) == len(found)
            last = {name: raw_items[-1][name] for name in schema}
            return [model.from_raw_data(raw) for raw in raw_items], None if ended else encode_cursor(last)
        raw_items += found
        if start is None:
            return [model.from_raw_data(raw) for raw in raw_items], None
    return [model.from_raw_data(raw) for raw in raw_items], encode_cursor(start)
