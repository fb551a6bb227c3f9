"""What DynamoDB would bill for the requests made in process: write and read units, counted from real items.

`CapacityMeter` wraps every DynamoDB request the way `AwsCallCounter` does. For
each write it reads the item before and after (with the SDK's own, uncounted
call) and applies DynamoDB's published rules:

- an item's size is its attribute names plus values (numbers: one byte per two
  significant digits plus one; maps and lists: three bytes plus one per
  element);
- a write costs one unit per started KB of the larger of the item before and
  after; a transaction costs every item twice (ConditionCheck included);
- each global secondary index the item is in, before or after, costs one
  more write per started KB of the *projected* item: a put when the item
  enters the index, a delete when it leaves, both when an index key changes,
  an update when only projected attributes change, and nothing when neither
  its keys nor its projected attributes change;
- a read costs one unit per started 4 KB (summed over a Query's items),
  half of that when eventually consistent, twice in a transaction.

Index writes are counted as standard writes (not doubled) in a transaction.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

_WRITES = ("PutItem", "UpdateItem", "DeleteItem")


def value_size(value: dict[str, Any]) -> int:
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return len(inner.encode())
    if kind == "B":
        return len(inner)
    if kind == "N":
        digits = inner.lstrip("-").replace(".", "").strip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind in ("SS",):
        return sum(len(item.encode()) for item in inner)
    if kind in ("NS",):
        return sum(value_size({"N": item}) for item in inner)
    if kind == "M":
        return 3 + sum(len(name.encode()) + value_size(nested) + 1 for name, nested in inner.items())
    if kind == "L":
        return 3 + sum(value_size(nested) + 1 for nested in inner)
    return 1  # BOOL, NULL


def item_size(item: dict[str, Any] | None) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in (item or {}).items())


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


@dataclass
class Index:
    name: str
    keys: tuple[str, ...]
    projection: str  # ALL | KEYS_ONLY | INCLUDE
    included: tuple[str, ...] = ()

    def projected(self, item: dict[str, Any] | None, table_keys: tuple[str, ...]) -> dict[str, Any] | None:
        if item is None or any(key not in item for key in self.keys):
            return None  # sparse: not in the index
        if self.projection == "ALL":
            return dict(item)
        wanted = set(self.keys) | set(table_keys) | set(self.included)
        return {name: value for name, value in item.items() if name in wanted}


@dataclass
class Table:
    name: str
    keys: tuple[str, ...]
    indexes: list[Index]


@dataclass
class Usage:
    write_units: float = 0
    read_units: float = 0
    by_line: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, line: str, units: float, *, write: bool) -> None:
        if write:
            self.write_units += units
        else:
            self.read_units += units
        self.by_line[line] += units


class CapacityMeter:
    """Counts DynamoDB write and read units of the requests made in this process while it is entered."""

    def __init__(self) -> None:
        self.usage = Usage()
        self._tables: dict[str, Table] = {}
        self._original: Any = None

    def reset(self) -> Usage:
        done, self.usage = self.usage, Usage()
        return done

    def __enter__(self) -> CapacityMeter:
        from botocore.client import BaseClient

        self._original = BaseClient._make_api_call
        meter = self

        def metering(client: Any, operation: str, params: Any) -> Any:
            if client.meta.service_model.service_name != "dynamodb":
                return meter._original(client, operation, params)
            return meter._metered(client, operation, params)

        BaseClient._make_api_call = metering  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        from botocore.client import BaseClient

        BaseClient._make_api_call = self._original  # type: ignore[method-assign]

    # ------------------------------------------------------------------ internals
    def _call(self, client: Any, operation: str, params: dict[str, Any]) -> Any:
        return self._original(client, operation, params)

    def _table(self, client: Any, name: str) -> Table:
        if name not in self._tables:
            described = self._call(client, "DescribeTable", {"TableName": name})["Table"]
            indexes = [
                Index(
                    name=index["IndexName"],
                    keys=tuple(key["AttributeName"] for key in index["KeySchema"]),
                    projection=index["Projection"]["ProjectionType"],
                    included=tuple(index["Projection"].get("NonKeyAttributes", [])),
                )
                for index in described.get("GlobalSecondaryIndexes", [])
            ]
            keys = tuple(key["AttributeName"] for key in described["KeySchema"])
            self._tables[name] = Table(name=name, keys=keys, indexes=indexes)
        return self._tables[name]

    def _item(self, client: Any, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        found = self._call(client, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True})
        return found.get("Item")

    def _key_of(self, client: Any, table: str, request: dict[str, Any]) -> dict[str, Any]:
        if "Key" in request:
            return dict(request["Key"])
        keys = self._table(client, table).keys
        return {name: request["Item"][name] for name in keys}

    def _writes_of(self, operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
        """(table, request, transactional) for every item the request writes."""
        if operation in _WRITES:
            return [(params["TableName"], params, False)]
        if operation == "TransactWriteItems":
            return [
                (request["TableName"], request, True) for entry in params["TransactItems"] for request in entry.values()
            ]
        if operation == "BatchWriteItem":
            return [
                (table, request.get("PutRequest") or request.get("DeleteRequest"), False)
                for table, requests in params["RequestItems"].items()
                for request in requests
            ]
        return []

    def _metered(self, client: Any, operation: str, params: Any) -> Any:
        writes = [
            (table, self._key_of(client, table, request), transactional)
            for table, request, transactional in self._writes_of(operation, params)
        ]
        before = [self._item(client, table, key) for table, key, _ in writes]
        answer = self._call(client, operation, params)
        for (table, key, transactional), old in zip(writes, before, strict=True):
            self._count_write(client, operation, table, old, self._item(client, table, key), transactional)
        self._count_read(client, operation, params, answer)
        return answer

    def _count_write(
        self,
        client: Any,
        operation: str,
        table_name: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
        transactional: bool,
    ) -> None:
        table = self._table(client, table_name)
        short = _short(table_name)
        units = write_units(max(item_size(old), item_size(new))) * (2 if transactional else 1)
        self.usage.add(f"{short} {'transaction' if transactional else operation}", units, write=True)
        if old == new and not transactional:
            return  # a failed condition writes no index
        for index in table.indexes:
            was, now = index.projected(old, table.keys), index.projected(new, table.keys)
            if was == now:
                continue
            index_units = 0
            if was is None or now is None:
                index_units = write_units(item_size(was if now is None else now))
            elif any(was.get(key) != now.get(key) for key in index.keys):
                index_units = write_units(item_size(was)) + write_units(item_size(now))
            else:
                index_units = write_units(max(item_size(was), item_size(now)))
            self.usage.add(f"{short} index {index.name}", index_units, write=True)

    def _count_read(self, client: Any, operation: str, params: dict[str, Any], answer: dict[str, Any]) -> None:
        if operation == "GetItem":
            units = _read_units([answer.get("Item")], params.get("ConsistentRead", False))
            self.usage.add(f"{_short(params['TableName'])} GetItem", units, write=False)
        elif operation in ("Query", "Scan"):
            sizes = sum(item_size(item) for item in answer.get("Items", []))
            units = max(1, math.ceil(sizes / 4096)) * (1 if params.get("ConsistentRead") else 0.5)
            where = params["TableName"] if "IndexName" not in params else f"{params['TableName']}.{params['IndexName']}"
            self.usage.add(f"{_short(where)} {operation}", units, write=False)
        elif operation == "BatchGetItem":
            for table, items in answer.get("Responses", {}).items():
                consistent = params["RequestItems"][table].get("ConsistentRead", False)
                self.usage.add(f"{_short(table)} BatchGetItem", _read_units(items, consistent), write=False)
        elif operation == "TransactGetItems":
            for response in answer.get("Responses", []):
                self.usage.add("TransactGetItems", 2 * _read_units([response.get("Item")], True), write=False)


def _read_units(items: list[dict[str, Any] | None], consistent: bool) -> float:
    return sum(math.ceil(max(1, item_size(item)) / 4096) for item in items) * (1 if consistent else 0.5)


def _short(table_name: str) -> str:
    """`boxoffice-local-orders` -> `orders`: the line names do not depend on the stack's name."""
    return table_name.rsplit("-", 1)[-1] if "-" in table_name else table_name
