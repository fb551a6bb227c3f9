"""Fixes to moto, applied wherever moto stands in for DynamoDB here (make run, tests, bench).

moto's TransactWriteItems backs up the *whole table* (a deep copy) once per
item of the transaction, so a transaction's cost grows with the size of the
tables it touches: 100 chairs into a table of a few thousand took seconds,
and every hold got slower as orders piled up. This version keeps the same
semantics (all or nothing, the same cancellation reasons, ALL_OLD items on a
failed condition) with an undo log of just the items it touched.

A cancelled transaction leaves no trace in the tables' streams either (as in
DynamoDB, where only committed changes are streamed): the records its
writes and their undoing added are dropped.

moto's server also works out which service a request is for by scanning
every module it has, on every request (a millisecond each under `make run`);
the answer for a host never changes, so it is remembered.

moto answers DynamoDB by walking each result against the operation's output
shape, member by member (about 8 ms for a page of chairs: a quarter of the
component tests' time, and most of the embedded server's). DynamoDB's results
are already JSON in the wire's own shape (attribute values as `{"S": ...}`), so
a result made only of JSON values is written with `json.dumps`; anything else
(bytes, a model object, a None to drop) still takes moto's way; a datetime (a
stream record's) is written as moto writes it, in epoch seconds.
`tests/component/test_moto_json_answers.py` checks both ways give the client the same answer.

moto's EventBridge builds a JSONPath parser (PLY's parser tables) for every
path of every target of every event it puts: most of the embedded server's
time once bookings make events. A path's parse never changes: it is remembered.

moto's SQS makes a queue's whole attribute map, message counts included (a
walk over every message), to read one attribute: the content-based
deduplication flag on every send, the retention period on every receive; a
fifth of the embedded server's time under load. `QueueAttributes` is the same
map, each attribute computed when it is read.

moto parses an UpdateExpression again for every write, though our expressions
are a few fixed strings with placeholders; its validators work on a deep copy
of the tree, so the parse of a string is remembered. So is a condition's parse
for the same expression, names and values (its tree is only read); a hold's
conditions name the time and are parsed anew, a settlement's repeat.

What was left of an update was most of a hold's transaction under `make
run` (8 ms of the embedded server's time each): moto's validators deep-copy
the tree, then walk it ten times, building each walker's map of node classes
twice for every node (and an isinstance through ABCMeta each time); two of
the walks count clauses by searching each node's subtree again. Here the copy
knows the tree's three fields, each walker finds a node class's function once
per walker class, and the checks of the expression's shape alone (clause
counts, overlapping paths, no key attribute set) are skipped for a parsed
expression, names and key attributes that passed them before; the checks
that read the values and the item always run. moto's `Item` added up the
whole item again for every attribute it set; here the total is carried.
`test_moto_json_answers.py` compares every one of these with moto's own code
(`replaced` keeps it), errors included.

Two more that every request or every Query paid: moto lists a response
class's methods (inspect.getmembers) on every request to find the action's;
a class's methods do not change, so the list is made once per class. Every
Query and Scan sorts the whole table first, comparing DynamoType objects,
each comparison making both values again (a Decimal per number); here each
item's key values are made once, and compare exactly as the objects do; and
a query of a table's own key looks at its partition, not at every item
(a page of a screening's chairs took 20-40 ms among 3,000 chairs). An
index's query looks at the items with the index key's values (moto sorted
the whole table for it too: 20 ms a query of the orders by screening once the
booking model's test had made a few thousand orders).

What every read of many items paid: an attribute's size (moto works it out
for each item it returns, twice, against the 1 MB page) made a copy of every
value of a map or a set to measure it; here it is measured where it is. And
a projection (an index's KEYS_ONLY or INCLUDE, a ProjectionExpression) made
the whole item into plain JSON again for every attribute projected; here once.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import threading
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

_APPLIED = False
# moto's own functions that apply() replaced, by (owner, attribute name): tests put them back to compare.
replaced: dict[tuple[Any, str], Any] = {}
serialize_by_shape: Any = None  # moto's own ActionResult.execute_result, once apply() replaced it
queue_attributes_by_moto: Any = None  # moto's own Queue.attributes getter, once apply() replaced it
# The services whose results are wire-shaped JSON already (moto's dynamodb and dynamodbstreams responses).
_JSON_AS_IS = frozenset({"dynamodb", "dynamodbstreams"})
_SCALARS = (str, int, float, bool, datetime.datetime)


def _is_plain_json(value: Any) -> bool:
    """Only dicts with string keys, lists, JSON scalars and datetimes (no None: moto's way drops those)."""
    if isinstance(value, _SCALARS):
        return True
    if isinstance(value, dict):
        return all(isinstance(key, str) and _is_plain_json(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_is_plain_json(item) for item in value)
    return False


def serialized_as_is(context: Any, result: Any) -> tuple[int, dict[str, str], str] | None:
    """The answer for a plain-JSON DynamoDB result, or None when moto's serializer must write it."""
    from botocore.utils import parse_to_aware_datetime
    from moto.core.serialize import BaseJSONSerializer, TimestampSerializer

    if (
        context.service_model.service_name not in _JSON_AS_IS
        or not issubclass(context.serializer_class, BaseJSONSerializer)
        or context.operation_model.has_event_stream_output
        or not isinstance(result, dict)
        or not _is_plain_json(result)
    ):
        return None
    version = context.service_model.metadata.get("jsonVersion", "1.0")
    return (
        200,
        {"Content-Type": f"application/x-amz-json-{version}"},
        json.dumps(
            result, default=lambda moment: TimestampSerializer._timestamp_unixtimestamp(parse_to_aware_datetime(moment))
        ),
    )


def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    from moto.dynamodb.exceptions import (
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import ConditionalCheckFailed, get_filter_expression

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    undo: list[tuple[str, dict[str, Any], Any]] = []  # (table, key, item as it was or None)
    seen: set[tuple[str, str]] = set()
    errors: list[tuple[Any, Any, Any]] = []

    streamed: dict[str, int] = {}  # table -> its stream's length before the transaction

    def roll_back() -> None:
        for table_name, key, original in reversed(undo):
            if original is None:
                self.delete_item(table_name, key)
            else:
                self.put_item(table_name, original)
        for table_name, length in streamed.items():
            del self.get_table(table_name).stream_shard.items[length:]

    for item in transact_items:
        original_item: dict[str, Any] | None = None
        if len(list(item.keys())) > 1:
            raise TransactWriteSingleOpException
        try:
            op_type, op = next(iter(item.items()))
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table_name = op["TableName"]
            shard = self.get_table(table_name).stream_shard
            if shard is not None and table_name not in streamed:
                streamed[table_name] = len(shard.items)
            condition_expression = op.get("ConditionExpression")
            names = op.get("ExpressionAttributeNames")
            values = op.get("ExpressionAttributeValues")
            if op_type == "Put":
                table = self.get_table(table_name)
                key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = op["Item"][table.range_key_attr]
            else:
                key = op["Key"]
            unique = (str(table_name), str(dict(sorted(key.items()))))
            if unique in seen:
                raise MultipleTransactionsException()
            seen.add(unique)

            current = self.get_item(table_name, key)
            if condition_expression is not None:
                condition = get_filter_expression(condition_expression, names, values)
                if not condition.expr(current):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
            # The condition holds for `current`, and nothing else runs meanwhile: the write below need not parse
            # and check it again.
            if op_type != "ConditionCheck":
                undo.append((table_name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None))
            if op_type == "Put":
                self.put_item(table_name, op["Item"])
            elif op_type == "Delete":
                self.delete_item(table_name, key)
            elif op_type == "Update":
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    condition_expression=None,  # checked above, against the same item
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            errors.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            roll_back()
            raise
        except ConditionalCheckFailed as failure:
            errors.append(("ConditionalCheckFailed", str(failure.message), original_item))
        except Exception as failure:  # moto reports any other failure as the item's reason, so do we
            errors.append((type(failure).__name__, str(failure), original_item))

    if any(code is not None for code, _, _ in errors):
        roll_back()
        raise TransactionCanceledException(errors)


class QueueAttributes(Mapping[str, Any]):
    """moto's `Queue.attributes`, computed per attribute when read rather than all at once."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue
        names = list(queue.BASE_ATTRIBUTES)
        if queue.fifo_queue:
            names += queue.FIFO_ATTRIBUTES
        if queue.kms_master_key_id:
            names += queue.KMS_ATTRIBUTES
        if queue.policy:
            names.append("Policy")
        if queue.redrive_policy:
            names.append("RedrivePolicy")
        self._names = dict.fromkeys(names)

    def __getitem__(self, name: str) -> Any:
        from moto.core.utils import camelcase_to_underscores

        if name not in self._names:
            raise KeyError(name)
        # Both are also base attributes, answered as they are when the queue has none (as moto does).
        if name == "Policy" and self._queue.policy:
            return self._queue.policy
        if name == "RedrivePolicy" and self._queue.redrive_policy:
            return json.dumps(self._queue.redrive_policy)
        value = getattr(self._queue, camelcase_to_underscores(name))
        return str(value).lower() if isinstance(value, bool) else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


_CONDITIONS_REMEMBERED = 4096
_parsed_conditions: dict[tuple[str, str, str], tuple[Any, list[str], list[str]]] = {}


def remembering_condition_parse(parse: Any) -> Any:
    """moto's ConditionExpressionParser.parse, answered from memory for an expression, names and values parsed
    before (with the names and values it found, which moto's callers check for unused ones)."""

    def remembered(self: Any) -> Any:
        if not self.condition_expression:
            return parse(self)
        try:
            key = (
                self.condition_expression,
                json.dumps(self.expression_attribute_names, sort_keys=True),
                json.dumps(self.expression_attribute_values, sort_keys=True),
            )
        except (TypeError, ValueError):
            return parse(self)
        known = _parsed_conditions.get(key)
        if known is None:
            tree = parse(self)
            if len(_parsed_conditions) >= _CONDITIONS_REMEMBERED:
                _parsed_conditions.clear()
            known = _parsed_conditions[key] = (
                tree,
                list(self.expr_attr_names_found),
                list(self.expr_attr_values_found),
            )
        tree, self.expr_attr_names_found[:], self.expr_attr_values_found[:] = known
        return tree

    return remembered


def _is_node(cls: type) -> bool:
    from moto.dynamodb.parsing.ast_nodes import Node

    return issubclass(cls, Node)


_is_node = functools.cache(_is_node)  # type: ignore[assignment]  # Node is an ABC: isinstance is slow
_IMMUTABLE = (str, int, float, bool, type(None))
_NODE_FIELDS = frozenset({"type", "children", "parent"})


def copy_expression_tree(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """`copy.deepcopy` for moto's validators, quicker on a whole parsed expression (a root node whose nodes hold
    only `type`, `children` and `parent`); anything else is deep-copied as before."""
    if not _is_node(type(value)) or value.parent is not None:
        return copy.deepcopy(value, memo)
    copies: dict[int, Any] = {}

    def node_copy(node: Any, parent: Any) -> Any:
        if id(node) in copies:  # a node reached twice stays one node, as deepcopy keeps it
            return copies[id(node)]
        if not _NODE_FIELDS.issuperset(node.__dict__):
            raise LookupError(type(node).__name__)
        clone = copies[id(node)] = object.__new__(type(node))
        clone.__dict__.update(node.__dict__)
        clone.parent = parent
        if node.children is not None:
            clone.children = [
                node_copy(child, clone)
                if _is_node(type(child))
                else child
                if type(child) in _IMMUTABLE
                else copy.deepcopy(child)
                for child in node.children
            ]
        return clone

    try:
        return node_copy(value, None)
    except LookupError:  # a node of a kind that holds more: moto's own way
        return copy.deepcopy(value, memo)


def traverse_node_recursively(self: Any, node: Any, child_id: int = -1) -> Any:
    """moto's DepthFirstTraverser.traverse_node_recursively, with the processing function for each kind of node
    looked up once per traverser rather than by building its map twice for every node."""
    if not _is_node(type(node)):
        return node
    parent_node = node.parent
    if node.children is not None:
        for index, child_node in enumerate(node.children):
            self.pre_processing_of_child(node, index)
            self.traverse_node_recursively(child_node, index)
    processor = _processor_for(self, type(node))
    if processor is not None:
        node = processor(node)
        node.parent = parent_node
        if parent_node:
            parent_node.children[child_id] = node
    return node


def _processor_for(traverser: Any, kind: type) -> Any:
    """The first of the traverser's processing functions whose node class `kind` is, or None (moto's `process`).
    Which class of the map that is depends only on the traverser's class: it is worked out once per class."""
    key = (type(traverser), kind)
    if key not in _PROCESSED_AS:
        handled = issubclass(kind, traverser.nodes_to_be_processed())
        kinds = traverser._processing_map() if handled else {}
        _PROCESSED_AS[key] = next((cls for cls in kinds if issubclass(kind, cls)), None)
    processed_as = _PROCESSED_AS[key]
    if processed_as is None:
        return None
    functions = traverser.__dict__.get("_processing_functions")
    if functions is None:
        functions = traverser.__dict__["_processing_functions"] = traverser._processing_map()
    return functions[processed_as]


_PROCESSED_AS: dict[tuple[type, type], type | None] = {}


def remembering_shape_checks(validator_class: Any) -> dict[str, Any]:
    """moto's UpdateExpressionValidator, with the checks that look only at the expression's shape (how many
    clauses, overlapping paths, no key attribute set: a quarter of an update's time, each walking the tree once
    per node) skipped for a parsed expression (remembered per string), names and key attributes that passed them
    before. The checks that look at the values and the item always run."""
    from moto.dynamodb.parsing.validators import (
        ActionCountValidator,
        OverlappingPathsValidator,
        UpdateHashRangeKeyValidator,
    )

    shape_checks = (ActionCountValidator, OverlappingPathsValidator, UpdateHashRangeKeyValidator)
    passed: weakref.WeakKeyDictionary[Any, set[tuple[str, tuple[str, ...]]]] = weakref.WeakKeyDictionary()
    init = validator_class.__init__

    def __init__(self: Any, expression: Any, *args: Any, **kwargs: Any) -> None:
        init(self, expression, *args, **kwargs)
        self.parsed_expression = expression

    def validate(self: Any) -> Any:
        shape = (json.dumps(self.expression_attribute_names or {}, sort_keys=True), tuple(self.table.table_key_attrs))
        known = passed.setdefault(self.parsed_expression, set())
        node = self.node_to_validate
        for processor in self.processors:
            if shape in known and isinstance(processor, shape_checks):
                continue
            node = processor.traverse(node)
        known.add(shape)
        return node

    return {"__init__": __init__, "validate": validate}


def item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    """moto's Item.__init__ in one pass: moto's size-limited dict adds up the whole item again for every
    attribute set (quadratic in the attributes, a third of a put); here the total is carried along, with the
    same limit at the same attribute."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    self.hash_key, self.range_key = hash_key, range_key
    self.attrs = LimitedSizeDict()
    total = 0
    for key, value in attrs.items():
        typed = DynamoType(value)
        size = bytesize(key) + typed.size()
        if total + size > _ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        dict.__setitem__(self.attrs, key, typed)
        total += size


_ITEM_SIZE_LIMIT = 405000  # moto's LimitedSizeDict's


def attribute_size(dynamo_type: type, bytesize: Any) -> Any:
    """moto's DynamoType.size without copying: moto measured each value of a map as `DynamoType(value)`, a copy of
    the whole subtree, and each member of a set as a new DynamoType. The same sizes, type by type. (moto's class
    and `bytesize` are passed in once: importing them on every call took most of a string's measuring.)"""

    def size(self: Any) -> int:
        kind, value = self.type, self.value
        if kind == "N":
            return len(str(value))
        if kind == "NS":
            return sum(len(str(member)) for member in value)
        if kind in ("SS", "BS"):
            return sum(1 if isinstance(member, bool) else bytesize(member) for member in value)
        if kind == "L":
            return sum(member.size() for member in value)
        if kind == "M":
            return sum(
                bytesize(key) + (member if isinstance(member, dynamo_type) else dynamo_type(member)).size()
                for key, member in value.items()
            )
        if isinstance(value, bool):
            return 1
        return bytesize(value)

    return size


def item_project(self: Any, projection_expressions: list[list[str]]) -> Any:
    """moto's Item.project, with the item made into plain JSON once rather than once per projected path. moto's
    merge of the paths only ever writes back values taken from that same JSON, so sharing it changes nothing."""
    from botocore.utils import merge_dicts
    from moto.dynamodb.models.dynamo_type import Item, serializer
    from moto.dynamodb.models.utilities import find_nested_key

    plain = self.to_regular_json()
    result: dict[str, Any] = {}
    for expression in projection_expressions:
        merge_dicts(result, find_nested_key(expression, plain))
    return Item(hash_key=self.hash_key, range_key=self.range_key, attrs=serializer.serialize(result)["M"])


_partition_only = threading.local()  # (table, the items a query can find) while that query runs


def all_items(self: Any) -> list[Any]:
    """moto's Table.all_items, which every query and scan sorts the whole table with, comparing DynamoType
    objects that make their values again for every comparison (a Decimal per number): here each item's key
    values are made once, and compare exactly as the objects do. A query (`partition_query`) gets only the items
    its key can find."""
    only = getattr(_partition_only, "value", None)
    if only is not None and only[0] is self:
        return list(only[1])
    return _in_key_order(_unordered_items(self))


def _unordered_items(table: Any) -> list[Any]:
    if table.range_key_attr:
        return [item for partition in table.items.values() for item in partition.values()]
    return list(table.items.values())


def _in_key_order(items: list[Any]) -> list[Any]:
    return sorted(
        items,
        key=lambda x: (x.hash_key.cast_value, x.range_key.cast_value) if x.range_key else x.hash_key.cast_value,
    )


def _partition_items(table: Any, partition: Any) -> list[Any]:
    """The partition's items in their sort key's order: moto sorts them again comparing DynamoType objects, which
    takes one pass over items already in order."""
    if partition is None:
        return []
    if not table.range_key_attr:
        return [partition]
    return sorted(partition.values(), key=lambda item: item.range_key.cast_value)


def _index_partition_items(table: Any, conditions: list[tuple[str, Any]]) -> list[Any]:
    """The items whose index key attributes equal the query's, in all_items' order. moto keeps no partitions
    for an index, so this is one pass over the table; but a pass that compares strings, where moto's sorted
    the whole table and compared DynamoType objects. moto then applies its own conditions to these items, so
    this only has to keep every item moto would keep: the same type and equal values."""
    items = _unordered_items(table)
    for name, expected in conditions:
        if expected.type == "S":  # a string's cast value is the string itself
            value = expected.value
            items = [item for item in items if (have := item.attrs.get(name)) is not None and have.type == "S"
                     and have.value == value]  # fmt: skip
        else:
            items = [item for item in items if (have := item.attrs.get(name)) is not None and have == expected]
    return _in_key_order(items)


def partition_query(query: Any) -> Any:
    """moto's Table.query, which sorted every item of the table and then kept those of the queried key: it
    looks at the key's partition only. For an index's query, the items with the index key's values."""

    @functools.wraps(query)
    def query_partition(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        view = None
        if index_name is not None:
            conditions = args[9] if len(args) > 9 else kwargs.get("hash_key_conditions")
            if conditions:
                view = _index_partition_items(self, conditions)
        elif hash_key is not None:  # `items` is a defaultdict: `get` adds no empty partition
            view = _partition_items(self, self.items.get(hash_key))
        if view is None:
            return query(self, hash_key, *args, **kwargs)
        _partition_only.value = (self, view)
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            _partition_only.value = None

    return query_partition


def _replace(owner: Any, name: str, replacement: Any) -> None:
    replaced[(owner, name)] = getattr(owner, name)
    setattr(owner, name, replacement)


def apply() -> None:
    """Install the fix (once per process)."""
    global _APPLIED
    if _APPLIED:
        return
    from moto.dynamodb.models import DynamoDBBackend
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    from moto.dynamodb.models.dynamo_type import Item

    _replace(Item, "__init__", item_init)
    backend_for_host = DomainDispatcherApplication.get_backend_for_host
    remembered: dict[str | None, Any] = {}

    def get_backend_for_host(self: Any, host: str | None) -> Any:
        if host not in remembered:
            remembered[host] = backend_for_host(self, host)
        return remembered[host]

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]

    from moto.core.responses import ActionResult

    global serialize_by_shape
    serialize_by_shape = ActionResult.execute_result

    def execute_result(self: Any, context: Any) -> Any:
        answer = serialized_as_is(context, self.result)
        return answer if answer is not None else serialize_by_shape(self, context)

    ActionResult.execute_result = execute_result  # type: ignore[method-assign]

    import jsonpath_ng.ext
    from moto.sqs.models import Queue

    global queue_attributes_by_moto
    queue_attributes_by_moto = Queue.attributes.fget  # type: ignore[attr-defined]
    Queue.attributes = property(QueueAttributes)  # type: ignore[assignment,method-assign]

    from moto.dynamodb.comparisons import ConditionExpressionParser
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser

    ConditionExpressionParser.parse = remembering_condition_parse(ConditionExpressionParser.parse)  # type: ignore[method-assign]

    parse_update = UpdateExpressionParser.make.__func__  # type: ignore[attr-defined]
    UpdateExpressionParser.make = classmethod(functools.lru_cache(maxsize=1024)(parse_update))  # type: ignore[method-assign,assignment]

    from moto.dynamodb.parsing import validators
    from moto.dynamodb.parsing.ast_nodes import DepthFirstTraverser

    _replace(validators, "deepcopy", copy_expression_tree)
    _replace(DepthFirstTraverser, "traverse_node_recursively", traverse_node_recursively)
    for name, function in remembering_shape_checks(validators.UpdateExpressionValidator).items():
        _replace(validators.UpdateExpressionValidator, name, function)

    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=1024)(jsonpath_ng.ext.parse)  # moto imports it per call

    from moto.core import responses
    from moto.dynamodb.models.table import Table

    _replace(responses, "method_names_from_class", functools.cache(responses.method_names_from_class))
    _replace(Table, "all_items", all_items)
    _replace(Table, "query", partition_query(Table.query))

    from moto.dynamodb.models.dynamo_type import DynamoType, Item
    from moto.dynamodb.models.utilities import bytesize

    _replace(DynamoType, "size", attribute_size(DynamoType, bytesize))
    _replace(Item, "project", item_project)
    _APPLIED = True
