"""What every model shares: table names and endpoints read from settings when first used.

PynamoDB reads `Meta.table_name` (and region/host) each time it needs a
connection, so these descriptors keep import free of environment reads and
let tests point a model at another table by resetting the settings.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pynamodb.connection.base
from pynamodb.attributes import Attribute, ListAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.constants import ALL_OLD, NUMBER
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from boxoffice import actor
from boxoffice.aws import CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS, botocore_session
from boxoffice.errors import NotFound
from boxoffice.settings import get_settings

M = TypeVar("M", bound=Model)
T = TypeVar("T")

# Every model's connection draws on the shared per-thread botocore session
# (see boxoffice.aws.botocore_session) instead of building its own.
pynamodb.connection.base.get_session = botocore_session  # type: ignore[assignment]  # PynamoDB calls it with no arguments


class IntegerAttribute(Attribute[int]):
    """A DynamoDB number that is always whole here (epoch seconds, cents, counts): PynamoDB's
    NumberAttribute, stored the same way, but typed as the int it holds rather than a float."""

    attr_type = NUMBER

    def serialize(self, value: int) -> str:
        return json.dumps(value)

    def deserialize(self, value: str) -> int:
        return json.loads(value)


def list_of(element: type[Attribute[T]], **options: Any) -> ListAttribute[T]:
    """A list of `element`s, typed as a list of what they hold (PynamoDB types `of` as the held type)."""
    return ListAttribute(of=element, **options)  # type: ignore[arg-type]  # see the docstring


class TableName:
    def __init__(self, table: str) -> None:
        self.table = table

    def __get__(self, instance: object, owner: type) -> str:
        return get_settings().table(self.table)


class _Region:
    def __get__(self, instance: object, owner: type) -> str:
        return get_settings().region


class _Host:
    def __get__(self, instance: object, owner: type) -> str | None:
        return get_settings().aws_endpoint


class BaseMeta:
    """Connection settings, chosen with the SDK's: ~1 s to connect, ~2 s to read, 3 attempts."""

    region: Any = _Region()
    host: Any = _Host()
    connect_timeout_seconds = CONNECT_TIMEOUT_SECONDS
    read_timeout_seconds = READ_TIMEOUT_SECONDS
    max_retry_attempts = 2
    max_pool_connections = 10


class StampedModel(Model):
    """A model whose every write says who made it (boxoffice.actor), because events and audit entries are
    derived from its table's stream: `actor` is set to the person acting, or removed when the system writes;
    a delete by a person first stamps `deleted_by` (best effort: a delete that is refused anyway is not)."""

    actor = UnicodeAttribute(null=True)
    deleted_by = UnicodeAttribute(null=True)

    @classmethod
    def stamp_action(cls) -> Action:
        stamp = actor.current_stamp()
        return cls.actor.set(stamp) if stamp else cls.actor.remove()

    def save(self, condition: Condition | None = None, *args: Any, **kwargs: Any) -> Any:
        self.actor = actor.current_stamp()
        return super().save(condition, *args, **kwargs)

    def update(self, actions: list[Action], condition: Condition | None = None, *args: Any, **kwargs: Any) -> Any:
        return super().update([*actions, self.stamp_action()], condition, *args, **kwargs)

    def stamp_deletion(self, condition: Condition | None = None) -> None:
        stamp = actor.current_stamp()
        if not stamp:
            return
        key = getattr(type(self), str(type(self)._hash_keyname))
        exists = key.exists() if condition is None else key.exists() & condition
        with contextlib.suppress(UpdateError):  # refused: the delete that follows is refused too, and says why
            super().update([type(self).deleted_by.set(stamp)], exists)

    def delete(self, condition: Condition | None = None, *args: Any, **kwargs: Any) -> Any:
        self.stamp_deletion(condition)
        return super().delete(condition, *args, **kwargs)


@functools.cache
def _transaction_connection() -> Connection:
    settings = get_settings()
    return Connection(
        region=settings.region,
        host=settings.aws_endpoint,
        connect_timeout_seconds=BaseMeta.connect_timeout_seconds,
        read_timeout_seconds=BaseMeta.read_timeout_seconds,
        max_retry_attempts=BaseMeta.max_retry_attempts,
    )


@dataclass(frozen=True)
class ItemFailure:
    code: str  # ConditionalCheckFailed, TransactionConflict, ThrottlingError, ...
    old_item: dict[str, Any] | None  # the item as it was (DynamoDB JSON), when the write asked for it


class TransactionCancelled(Exception):
    """A TransactWriteItems that changed nothing; `failures` says which items refused and why."""

    def __init__(self, failures: dict[str, ItemFailure], cause: TransactWriteError) -> None:
        super().__init__(", ".join(f"{label}: {failure.code}" for label, failure in failures.items()))
        self.failures = failures
        self.cause = cause

    def failed(self, code: str = "ConditionalCheckFailed") -> dict[str, ItemFailure]:
        return {label: failure for label, failure in self.failures.items() if failure.code == code}

    @property
    def retryable(self) -> bool:
        return any(failure.code in ("TransactionConflict", "ThrottlingError") for failure in self.failures.values())


class Transaction:
    """One TransactWriteItems whose items carry labels, so a refusal names what refused.

    PynamoDB sends condition checks, then deletes, then puts, then updates; the
    labels are kept in that same order to read the cancellation reasons.
    """

    def __init__(self, client_request_token: str | None = None) -> None:
        self._write = TransactWrite(connection=_transaction_connection(), client_request_token=client_request_token)
        self._labels: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    def check(
        self, label: str, model_cls: type[Model], hash_key: Any, range_key: Any = None, *, condition: Condition
    ) -> None:
        self._write.condition_check(model_cls, hash_key, range_key, condition=condition)
        self._labels["check"].append(label)

    def delete(self, label: str, model: Model, *, condition: Condition | None = None) -> None:
        if isinstance(model, StampedModel):
            model.stamp_deletion(condition)
        self._write.delete(model, condition=condition)
        self._labels["delete"].append(label)

    def put(self, label: str, model: Model, *, condition: Condition | None = None) -> None:
        if isinstance(model, StampedModel):
            model.actor = actor.current_stamp()
        self._write.save(model, condition=condition, return_values=ALL_OLD)
        self._labels["put"].append(label)

    def update(
        self, label: str, model: Model, actions: Sequence[Action], *, condition: Condition | None = None
    ) -> None:
        if isinstance(model, StampedModel):
            actions = [*actions, model.stamp_action()]
        self._write.update(model, list(actions), condition=condition, return_values=ALL_OLD)
        self._labels["update"].append(label)

    def __len__(self) -> int:
        return sum(len(labels) for labels in self._labels.values())

    def commit(self) -> None:
        try:
            with self._write:
                pass  # leaving the block sends the transaction
        except TransactWriteError as error:
            if not error.cancellation_reasons:
                raise
            labels = [label for kind in ("check", "delete", "put", "update") for label in self._labels[kind]]
            failures = {
                label: ItemFailure(code=reason.code, old_item=reason.raw_item)
                for label, reason in zip(labels, error.cancellation_reasons, strict=False)
                if reason is not None and reason.code not in ("None", None)
            }
            raise TransactionCancelled(failures, error) from error


def reset_connections() -> None:
    _transaction_connection.cache_clear()


def get_or_404(model: type[M], key: str, what: str) -> M:
    """One item by its key (strongly consistent), or a 404 naming what was missing."""
    try:
        return model.get(key, consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"No such {what}", details={f"{what}_id": key}) from None


def plain(map_attribute: Any) -> dict[str, Any]:
    """A raw MapAttribute's value as a plain dict (PynamoDB hands back a MapAttribute when read)."""
    if map_attribute is None:
        return {}
    return map_attribute.as_dict() if hasattr(map_attribute, "as_dict") else dict(map_attribute)


def batch_get_raw(keys: dict[str, list[dict[str, Any]]], *, consistent_read: bool = True) -> dict[str, list[dict]]:
    """Items of several tables by key, as DynamoDB JSON (every attribute, modelled or not): BatchGetItem,
    100 keys a request, until nothing is left unprocessed."""
    from boxoffice import aws

    found: dict[str, list[dict[str, Any]]] = {table: [] for table in keys}
    pending = [(table, key) for table, table_keys in keys.items() for key in table_keys]
    client = aws.client("dynamodb")
    while pending:
        chunk, pending = pending[:100], pending[100:]
        requests: dict[str, dict[str, Any]] = {}
        for table, key in chunk:
            requests.setdefault(table, {"Keys": [], "ConsistentRead": consistent_read})["Keys"].append(key)
        while requests:
            answer = client.batch_get_item(RequestItems=requests)
            for table, items in answer.get("Responses", {}).items():
                found[table] += items
            requests = answer.get("UnprocessedKeys") or {}
    return found


def get_many(*wanted: tuple[type[Model], str]) -> list[Model | None]:
    """Several items from several tables in one BatchGetItem (strongly consistent); None where absent."""
    keys: dict[str, list[dict[str, Any]]] = {}
    for model, key in wanted:
        keys.setdefault(model.Meta.table_name, []).append({str(model._hash_keyname): {"S": key}})
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for table, items in batch_get_raw(keys).items():
        hash_name = next(model._hash_keyname for model, _ in wanted if model.Meta.table_name == table)
        for item in items:
            found[(table, item[hash_name]["S"])] = item
    return [
        model.from_raw_data(found[(model.Meta.table_name, key)]) if (model.Meta.table_name, key) in found else None
        for model, key in wanted
    ]


def index(
    name: str, hash_key: tuple[str, type], range_key: tuple[str, type], *, include: tuple[str, ...] | None = None
) -> Any:
    """A global secondary index on `hash_key` and `range_key`, given as (attribute, type).

    With `include` (empty: the keys only) it projects just those attributes: an index whose projected
    attributes never change after the item is written costs one write when the item enters it and nothing on
    later updates, where an ALL projection costs a write on every update. Readers fetch whole items with
    `hydrate`. Without `include` it projects every attribute.
    """
    from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection

    projection: Any = AllProjection()
    if include is not None:
        projection = IncludeProjection(list(include)) if include else KeysOnlyProjection()
    meta = type("Meta", (), {"index_name": name, "projection": projection})
    attributes = {hash_key[0]: hash_key[1](hash_key=True), range_key[0]: range_key[1](range_key=True)}
    return type(f"Index_{name}", (GlobalSecondaryIndex,), {"Meta": meta, **attributes})()


def hydrate(model: type[M], found: list[M], *, consistent_read: bool = True) -> list[M]:
    """The whole items behind an index page (keys and a few attributes), in the page's order: BatchGetItem,
    100 keys a request. An item deleted since the index was read is left out."""
    if not found:
        return []
    hash_name = str(model._hash_keyname)
    keys = [getattr(item, hash_name) for item in found]
    whole = {getattr(item, hash_name): item for item in model.batch_get(keys, consistent_read=consistent_read)}
    return [whole[key] for key in keys if key in whole]
