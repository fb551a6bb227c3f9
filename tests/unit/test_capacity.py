"""local.capacity counts what DynamoDB would bill, by its published rules: sizes, indexes, transactions."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from local.capacity import CapacityMeter, item_size


def test_item_sizes_follow_dynamodbs_rules():
    assert item_size({"name": {"S": "héllo"}}) == 4 + 6, "names and UTF-8 values"
    assert item_size({"n": {"N": "12345"}}) == 1 + 3 + 1, "one byte per two significant digits, plus one"
    assert item_size({"n": {"N": "100"}}) == 1 + 1 + 1, "trailing zeros are not significant"
    assert item_size({"m": {"M": {"a": {"S": "xy"}}}}) == 1 + 3 + (1 + 2 + 1)
    assert item_size({"l": {"L": [{"S": "xy"}, {"BOOL": True}]}}) == 1 + 3 + (2 + 1) + (1 + 1)


@pytest.fixture
def table():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="things",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name in ("id", "kind", "state")],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_kind",
                    "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                },
                {
                    "IndexName": "by_state",
                    "KeySchema": [{"AttributeName": "state", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                },
            ],
        )
        yield client


def test_writes_count_the_larger_item_every_index_it_touches_and_transactions_twice(table):
    big = "x" * 1500
    with CapacityMeter() as meter:
        table.put_item(TableName="things", Item={"id": {"S": "1"}, "kind": {"S": "k"}, "state": {"S": "a"}})
        assert dict(meter.reset().by_line) == {
            "things PutItem": 1,
            "things index by_kind": 1,
            "things index by_state": 1,
        }, "a new item enters both indexes"
        table.update_item(
            TableName="things",
            Key={"id": {"S": "1"}},
            UpdateExpression="SET body = :b",
            ExpressionAttributeValues={":b": {"S": big}},
        )
        assert dict(meter.reset().by_line) == {
            "things UpdateItem": 2,
            "things index by_state": 2,
        }, "KEYS_ONLY is untouched by a non-key attribute; ALL copies the whole (now 2 KB) item"
        table.update_item(
            TableName="things",
            Key={"id": {"S": "1"}},
            UpdateExpression="SET #s = :s",
            ExpressionAttributeNames={"#s": "state"},
            ExpressionAttributeValues={":s": {"S": "b"}},
        )
        assert dict(meter.reset().by_line) == {
            "things UpdateItem": 2,
            "things index by_state": 4,
        }, "a changed index key is a delete and a put"
        table.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": "things",
                        "Key": {"id": {"S": "1"}},
                        "UpdateExpression": "REMOVE kind, body",
                    }
                }
            ]
        )
        assert dict(meter.reset().by_line) == {
            "things transaction": 4,
            "things index by_kind": 1,
            "things index by_state": 2,
        }, "twice the larger item in a transaction; leaving a sparse index is a delete"
        table.get_item(TableName="things", Key={"id": {"S": "1"}})
        table.get_item(TableName="things", Key={"id": {"S": "1"}}, ConsistentRead=True)
        usage = meter.reset()
        assert usage.read_units == 0.5 + 1 and usage.write_units == 0
