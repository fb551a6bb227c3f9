"""local.moto_patches writes plain DynamoDB results with json.dumps instead of moto's shape walk: a client must
get exactly the same answer either way, for every request a booking, its sweep and its events make."""

from __future__ import annotations

import json
from typing import Any

import boto3
import hypothesis.strategies as st
import pytest
from hypothesis import given, settings
from moto.core.responses import ActionResult

from boxoffice.clock import clock
from local import moto_patches
from local.events import EventPlumbing
from local.template import LOCAL_REGION, local_table_names
from tests.component.booking_helpers import Booking, customer, make_screening
from tests.profiles import examples


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every result answered as is, also written moto's way; the operations compared."""
    operations: list[str] = []
    patched = ActionResult.execute_result

    def both_ways(self: Any, context: Any) -> Any:
        answer = patched(self, context)
        if moto_patches.serialized_as_is(context, self.result) is not None:
            status, headers, body = moto_patches.serialize_by_shape(self, context)
            assert (answer[0], answer[1]["Content-Type"]) == (status, headers["Content-Type"])
            assert json.loads(answer[2]) == json.loads(body), context.operation_model.name
            records = "+records" if isinstance(self.result, dict) and self.result.get("Records") else ""
            operations.append(f"{context.service_model.service_name}:{context.operation_model.name}{records}")
        return answer

    monkeypatch.setattr(ActionResult, "execute_result", both_ways)
    return operations


def test_a_booking_its_sweep_and_its_stream_get_the_same_answers_as_by_motos_own_serializer(stack, aws, compared):
    booking = Booking(stack, make_screening(stack))
    buyer, other = customer("json-buyer"), customer("json-other")
    held = booking.hold(buyer, ["A-1", "A-2"])
    assert held.status == 201, held
    assert booking.pay(buyer, held.body).status == 200
    assert booking.hold(other, ["A-1"]).status == 409  # a refused condition: an error, moto's way
    lapsing = booking.hold(other, ["B-1"])
    assert lapsing.status == 201, lapsing
    assert booking.seat_map(other).status == 200
    assert booking.orders(buyer).status == 200
    clock.advance(3600)
    booking.sweep()
    assert booking.order(other, lapsing.body["order_id"]).body["status"] == "EXPIRED"
    clients = {name: boto3.client(name, region_name=LOCAL_REGION) for name in ("dynamodb", "dynamodbstreams")}
    EventPlumbing(stack.runtime, clients, local_table_names(), from_start=True, with_rules=False).drain()
    assert clients["dynamodb"].describe_table(TableName=local_table_names()["OrdersTable"])["Table"]

    # The requests a booking makes all took the fast way, and each answer was the same as moto's.
    for operation in ("Query", "BatchGetItem", "TransactWriteItems", "UpdateItem", "GetItem", "GetRecords"):
        assert any(name.endswith(f":{operation}") for name in compared), (operation, sorted(set(compared)))
    assert "dynamodbstreams:GetRecords+records" in compared  # stream records carry a datetime


def test_results_that_are_not_plain_json_are_left_to_moto():
    assert moto_patches._is_plain_json({"Items": [{"a": {"S": "x"}}], "Count": 1, "ok": True})
    for odd in ({"a": None}, {"a": b"bytes"}, {"a": object()}, {1: "int key"}, {"a": [{"b": None}]}):
        assert not moto_patches._is_plain_json(odd)


@pytest.mark.parametrize(
    "attributes",
    [
        {},
        {"FifoQueue": "true", "ContentBasedDeduplication": "true"},
        {"FifoQueue": "true"},
        {"KmsMasterKeyId": "alias/aws/sqs", "DelaySeconds": "5"},
        {"Policy": json.dumps({"Version": "2012-10-17", "Statement": []}), "RedrivePolicy": "dead-letters"},
    ],
)
def test_a_queues_attributes_read_one_by_one_are_motos_own(aws, attributes):
    """local.moto_patches computes each queue attribute when read; the map must be moto's, counts included."""
    from moto.sqs.models import sqs_backends

    sqs = boto3.client("sqs", region_name=LOCAL_REGION)
    fifo = ".fifo" if attributes.get("FifoQueue") else ""
    if attributes.get("RedrivePolicy"):
        dead = sqs.create_queue(QueueName="dead-letters")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attributes = {**attributes, "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 3})}
    url = sqs.create_queue(QueueName=f"compared{fifo}", Attributes=attributes)["QueueUrl"]
    extra = {"MessageGroupId": "g", "MessageDeduplicationId": "d1"} if fifo else {}
    sqs.send_message(QueueUrl=url, MessageBody="one", **extra)
    sqs.send_message(QueueUrl=url, MessageBody="two", **{**extra, "MessageDeduplicationId": "d2"} if fifo else {})
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)

    queue = sqs_backends["123456789012"][LOCAL_REGION].queues[f"compared{fifo}"]
    by_moto = moto_patches.queue_attributes_by_moto(queue)
    assert dict(queue.attributes) == by_moto
    counts = (
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    )
    expected = (0, 0, 2) if attributes.get("DelaySeconds") else (1, 1, 0)  # the counts are there, and right
    assert tuple(by_moto[name] for name in counts) == expected
    answered = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert answered == {name: str(value) for name, value in by_moto.items() if value is not None}


def test_an_update_expression_parsed_once_still_updates_each_item_with_its_own_values(aws):
    """local.moto_patches remembers the parse of an UpdateExpression; each write must still apply its own values,
    and a bad expression must still be refused every time."""
    from botocore.exceptions import ClientError
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser

    remembered = UpdateExpressionParser.make.__func__.cache_info  # type: ignore[attr-defined]
    dynamodb, table = aws.dynamodb, aws.tables["MoviesTable"]
    expression = "SET #n = :name ADD #c :one"
    hits = remembered().hits
    for movie_id, name in (("m-1", "First"), ("m-2", "Second"), ("m-1", "Third")):
        dynamodb.update_item(
            TableName=table,
            Key={"movie_id": {"S": movie_id}},
            UpdateExpression=expression,
            ExpressionAttributeNames={"#n": "name", "#c": "count"},
            ExpressionAttributeValues={":name": {"S": name}, ":one": {"N": "1"}},
        )
    assert remembered().hits >= hits + 2, "the parse was not remembered: this test tests nothing"
    items = {item["movie_id"]["S"]: item for item in dynamodb.scan(TableName=table)["Items"]}
    assert {key: (item["name"]["S"], item["count"]["N"]) for key, item in items.items()} == {
        "m-1": ("Third", "2"),
        "m-2": ("Second", "1"),
    }
    for _ in range(2):
        with pytest.raises(ClientError, match="ValidationException"):
            dynamodb.update_item(
                TableName=table,
                Key={"movie_id": {"S": "m-3"}},
                UpdateExpression="SET #n = = :name",
                ExpressionAttributeNames={"#n": "name"},
                ExpressionAttributeValues={":name": {"S": "x"}},
            )


def test_a_condition_parsed_once_is_still_judged_on_each_item_with_its_own_values(aws):
    """local.moto_patches remembers a condition's parse per expression, names and values: a write must still pass
    or fail on its own values, and unused names must still be refused after a remembered parse."""
    from botocore.exceptions import ClientError

    dynamodb, table = aws.dynamodb, aws.tables["MoviesTable"]
    dynamodb.put_item(TableName=table, Item={"movie_id": {"S": "m-1"}, "name": {"S": "First"}})

    def rename(expected: str, names: dict[str, str] | None = None) -> str:
        try:
            dynamodb.put_item(
                TableName=table,
                Item={"movie_id": {"S": "m-1"}, "name": {"S": f"after {expected}"}},
                ConditionExpression="#n = :expected",
                ExpressionAttributeNames=names or {"#n": "name"},
                ExpressionAttributeValues={":expected": {"S": expected}},
            )
            return "written"
        except ClientError as error:
            return str(error.response["Error"]["Code"])

    assert rename("Second") == "ConditionalCheckFailedException"
    assert rename("Second") == "ConditionalCheckFailedException"  # remembered, still judged against the item
    assert rename("First") == "written"
    assert rename("First") == "ConditionalCheckFailedException"  # the same parse, another item now
    assert rename("after First") == "written"
    for _ in range(2):
        assert rename("x", {"#n": "name", "#unused": "other"}) == "ValidationException"


# (update expression, names, values): each applied to the same item, by our fast path and by moto's own code.
_UPDATES: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    ("SET #a = :a, #b = :b", {"#a": "title", "#b": "year"}, {":a": {"S": "new"}, ":b": {"N": "1927"}}),
    ("SET #a = :a, #b = :b", {"#a": "title", "#b": "title"}, {":a": {"S": "x"}, ":b": {"S": "y"}}),  # same path
    ("SET #a = :a", {"#a": "movie_id"}, {":a": {"S": "m-9"}}),  # the key
    ("SET #a = :a REMOVE #b", {"#a": "title", "#b": "tags"}, {":a": {"S": "kept"}}),
    ("SET #a = :a, #a.#b = :b", {"#a": "details", "#b": "cut"}, {":a": {"M": {}}, ":b": {"S": "x"}}),  # overlap
    ("SET #c = if_not_exists(#c, :zero) + :one", {"#c": "views"}, {":zero": {"N": "0"}, ":one": {"N": "1"}}),
    ("SET #c = if_not_exists(#c, :zero) + :one", {"#c": "count"}, {":zero": {"N": "0"}, ":one": {"N": "1"}}),
    ("SET #l = list_append(#l, :more)", {"#l": "cast"}, {":more": {"L": [{"S": "Keaton"}]}}),
    ("ADD #s :tags, #c :one", {"#s": "tags", "#c": "count"}, {":tags": {"SS": ["b", "c"]}, ":one": {"N": "2"}}),
    ("ADD #s :one", {"#s": "tags"}, {":one": {"N": "1"}}),  # a number added to a set
    ("SET #m.#n = :v", {"#m": "details", "#n": "runtime"}, {":v": {"N": "67"}}),
    ("SET #m.#n = :v", {"#m": "nothing", "#n": "runtime"}, {":v": {"N": "67"}}),  # no such map
    ("SET #a = :missing, #b = :a", {"#a": "title", "#b": "year"}, {":a": {"S": "x"}}),
    ("SET #a = #nope", {"#a": "title", "#nope": "absent"}, {}),
    ("REMOVE #a, #b", {"#a": "title", "#b": "cast"}, {}),
    ("SET #a = :a SET #b = :b", {"#a": "title", "#b": "year"}, {":a": {"S": "x"}, ":b": {"N": "1"}}),
    ("DELETE #s :gone", {"#s": "tags"}, {":gone": {"SS": ["a"]}}),
]
_MOVIE = {
    "title": {"S": "The General"},
    "count": {"N": "1"},
    "tags": {"SS": ["a", "b"]},
    "cast": {"L": [{"S": "Mack"}]},
    "details": {"M": {"runtime": {"N": "78"}, "cut": {"S": "original"}}},
}


def _updated(dynamodb: Any, table: str, movie_id: str, update: tuple[str, dict[str, str], dict[str, Any]]) -> Any:
    """The item after the update, or the error's code and message."""
    from botocore.exceptions import ClientError

    expression, names, values = update
    dynamodb.put_item(TableName=table, Item={"movie_id": {"S": movie_id}, **_MOVIE})
    try:
        dynamodb.update_item(
            TableName=table,
            Key={"movie_id": {"S": movie_id}},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            **({"ExpressionAttributeValues": values} if values else {}),
        )
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["Error"]["Message"]
    return dynamodb.get_item(TableName=table, Key={"movie_id": {"S": movie_id}})["Item"]


def test_update_expressions_are_checked_and_applied_exactly_as_by_motos_own_code(aws, monkeypatch):
    """local.moto_patches copies and walks an update's tree its own quicker way, and skips the checks of its shape
    for an expression and names that passed them before: every update (each twice, the second one remembered)
    must end in the item, or the error, that moto's own code gives."""
    dynamodb, table = aws.dynamodb, aws.tables["MoviesTable"]
    ours = [
        [_updated(dynamodb, table, f"ours-{n}-{turn}", update) for turn in (1, 2)] for n, update in enumerate(_UPDATES)
    ]
    assert moto_patches.replaced, "the patches are not applied: this test tests nothing"
    for (owner, name), motos_own in moto_patches.replaced.items():
        monkeypatch.setattr(owner, name, motos_own)
    for n, update in enumerate(_UPDATES):
        theirs = _updated(dynamodb, table, f"moto-{n}", update)
        for turn in ours[n]:
            if isinstance(theirs, dict):
                turn = {**turn, "movie_id": theirs["movie_id"]}
            assert turn == theirs, update
    refused = [update for n, update in enumerate(_UPDATES) if isinstance(ours[n][0], tuple)]
    assert len(refused) >= 7, refused  # the errors are compared too, not only the updates that pass


def test_an_item_over_the_size_limit_is_refused_as_by_motos_own_code(aws, monkeypatch):
    """local.moto_patches adds up an item's size as it makes it, rather than again for every attribute."""
    from botocore.exceptions import ClientError

    dynamodb, table = aws.dynamodb, aws.tables["MoviesTable"]

    def put(size: int) -> str:
        try:
            item = {"movie_id": {"S": "big"}, **{f"a{n}": {"S": "x" * 1000} for n in range(size)}}
            dynamodb.put_item(TableName=table, Item=item)
            return "written"
        except ClientError as error:
            return str(error.response["Error"]["Message"])

    sizes = (402, 403, 404, 500)  # 403 attributes of a kilobyte fit in moto's 405,000 bytes; 404 do not
    ours = [put(size) for size in sizes]
    for (owner, name), motos_own in moto_patches.replaced.items():
        monkeypatch.setattr(owner, name, motos_own)
    assert ours == [put(size) for size in sizes]
    assert ours[:2] == ["written", "written"] and "exceeded" in ours[2] and "exceeded" in ours[3]


def _pages(read: Any, **request: Any) -> list[list[tuple[str, str]]]:
    """Every page of a query or scan, each as its items' (pk, sk); at most 20 (an order that pages wrongly never
    ends)."""
    pages, start = [], None
    for _ in range(20):
        answer = read(**request, Limit=4, **({"ExclusiveStartKey": start} if start else {}))
        pages.append([(item["pk"]["S"], item["sk"]["N"]) for item in answer["Items"]])
        start = answer.get("LastEvaluatedKey")
        if not start:
            break
    return pages


def test_queries_come_back_in_the_order_motos_own_code_gives(aws, monkeypatch):
    """local.moto_patches sorts a table's items by their key values made once, not by comparing DynamoType objects,
    and a query looks only at the items of its key (the table's or an index's): numbers of every magnitude and
    sign, ties broken by the table's key, forwards and backwards, paged; index partitions, numbers written two
    ways, a key of another type, items in no index; scans too."""
    dynamodb = aws.dynamodb
    dynamodb.create_table(
        TableName="sorting",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": kind}
            for name, kind in (("pk", "S"), ("sk", "N"), ("g", "S"), ("n", "N"))
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_n",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "by_number",
                "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
    )
    numbers = ["10", "9", "100", "-1", "1.5", "-20.25", "9", "0", "1E+2", "10"]  # ties, and 100 written twice
    for index, number in enumerate(numbers):
        for pk in ("b", "a", "-", "B"):
            item = {"pk": {"S": pk}, "sk": {"N": str(len(numbers) - index)}, "g": {"S": "x"}, "n": {"N": number}}
            dynamodb.put_item(TableName="sorting", Item=item)
    for index, number in enumerate(numbers[:5]):  # another of by_n's partitions
        item = {"pk": {"S": "c"}, "sk": {"N": str(100 + index)}, "g": {"S": "y"}, "n": {"N": number}}
        dynamodb.put_item(TableName="sorting", Item=item)
    for index in range(3):  # in neither index
        dynamodb.put_item(TableName="sorting", Item={"pk": {"S": "d"}, "sk": {"N": str(index)}, "g": {"N": "1"}})
    queries = [
        {"IndexName": "by_n", "KeyConditionExpression": "g = :g", "ExpressionAttributeValues": {":g": {"S": "x"}}},
        {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}},
        {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "none"}}},
        {
            "KeyConditionExpression": "pk = :p AND sk BETWEEN :low AND :high",
            "ExpressionAttributeValues": {":p": {"S": "B"}, ":low": {"N": "2"}, ":high": {"N": "7"}},
        },
        {"IndexName": "by_n", "KeyConditionExpression": "g = :g", "ExpressionAttributeValues": {":g": {"S": "y"}}},
        {"IndexName": "by_n", "KeyConditionExpression": "g = :g", "ExpressionAttributeValues": {":g": {"N": "1"}}},
        {  # 100 and 1E+2 are one number: one partition
            "IndexName": "by_number",
            "KeyConditionExpression": "n = :n",
            "ExpressionAttributeValues": {":n": {"N": "100.0"}},
        },
        {
            "IndexName": "by_number",
            "KeyConditionExpression": "n = :n AND sk > :sk",
            "ExpressionAttributeValues": {":n": {"N": "9"}, ":sk": {"N": "4"}},
        },
    ]
    movies = aws.tables["MoviesTable"]  # a table with no sort key
    dynamodb.put_item(TableName=movies, Item={"movie_id": {"S": "m-1"}, "name": {"S": "Sunrise"}})

    def every_answer() -> list[Any]:
        return [
            _pages(dynamodb.query, TableName="sorting", ScanIndexForward=forward, **query)
            for query in queries
            for forward in (True, False)
        ] + [
            _pages(dynamodb.scan, TableName="sorting"),
            _pages(dynamodb.scan, TableName="sorting", IndexName="by_n"),
            *(
                dynamodb.query(
                    TableName=movies, KeyConditionExpression="movie_id = :m", ExpressionAttributeValues={":m": {"S": m}}
                )["Items"]
                for m in ("m-1", "m-2")
            ),
        ]

    ours = every_answer()
    assert moto_patches.replaced, "the patches are not applied: this test tests nothing"
    for (owner, name), motos_own in moto_patches.replaced.items():
        monkeypatch.setattr(owner, name, motos_own)
    assert ours == every_answer()
    assert len(ours[0]) > 2 and sum(map(len, ours[0])) == 4 * len(numbers)  # paged, and every item came back
    assert sum(map(len, ours[-4])) == 4 * len(numbers) + 5 + 3  # the whole table scanned
    assert sum(map(len, ours[-3])) == 4 * len(numbers) + 5  # the whole index: not the items without its keys
    assert ours[4] == [[]] and sum(map(len, ours[6])) == 6  # no such partition; a range within one
    assert sum(map(len, ours[8])) == 5 and ours[10] == [[]]  # another index partition; a key of another type
    assert sum(map(len, ours[12])) == 2 * 4 + 1 and sum(map(len, ours[14])) == 4 + 1  # 100 = 1E+2; a key range
    assert ours[-2] == [{"movie_id": {"S": "m-1"}, "name": {"S": "Sunrise"}}] and ours[-1] == []


def _attribute_values(depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    """DynamoDB attribute values of every type, maps and lists nested."""
    text = st.text(max_size=8)
    number = st.sampled_from(["0", "-1", "1.5", "1E+2", "100", "123456789012345678901234567890", "-0.0001"])
    scalar = st.one_of(
        text.map(lambda value: {"S": value}),
        number.map(lambda value: {"N": value}),
        st.binary(max_size=6).map(lambda value: {"B": value}),
        st.booleans().map(lambda value: {"BOOL": value}),
        st.just({"NULL": True}),
        st.lists(text, min_size=1, max_size=3, unique=True).map(lambda value: {"SS": value}),
        st.lists(number, min_size=1, max_size=3, unique=True).map(lambda value: {"NS": value}),
        st.lists(st.binary(max_size=4), min_size=1, max_size=3, unique=True).map(lambda value: {"BS": value}),
    )
    if depth == 0:
        return scalar
    inner = _attribute_values(depth - 1)
    return st.one_of(
        scalar,
        st.lists(inner, max_size=3).map(lambda value: {"L": value}),
        st.dictionaries(st.text(min_size=1, max_size=5), inner, max_size=3).map(lambda value: {"M": value}),
    )


_NAMES = ["a", "b", "c", "d"]


@pytest.mark.model
@settings(max_examples=examples("moto_json_answers"), deadline=None)
@given(
    attributes=st.dictionaries(st.sampled_from(_NAMES), _attribute_values(), min_size=1),
    paths=st.lists(
        st.lists(st.sampled_from([*_NAMES, "x", "b[0]", "c[1]"]), min_size=1, max_size=3), min_size=1, max_size=4
    ),
)
def test_sizes_and_projections_are_motos_own(attributes: dict[str, Any], paths: list[list[str]]) -> None:
    """local.moto_patches measures an attribute where it is and makes an item into plain JSON once per projection:
    for items of every attribute type, nested, and projections of paths into maps and lists, present or not,
    overlapping or repeated, the sizes and the projected items are moto's own."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    moto_patches.apply()
    motos_size, motos_project = moto_patches.replaced[(DynamoType, "size")], moto_patches.replaced[(Item, "project")]
    item = Item(hash_key=DynamoType({"S": "key"}), range_key=None, attrs={"pk": {"S": "key"}, **attributes})
    for value in item.attrs.values():
        assert value.size() == motos_size(value), value

    def outcome(project: Any) -> Any:  # moto fails on a path that goes into a number, say: ours must too
        try:
            projected = project(item, paths)
        except Exception as error:
            return type(error)
        return projected.to_json(), projected.hash_key, projected.range_key

    assert outcome(moto_patches.item_project) == outcome(motos_project)
    assert item.project.__func__ is moto_patches.item_project  # the patch is what items use
