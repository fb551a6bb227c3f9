"""Local data kept from an earlier `make run` gets the indexes the template has added since."""

from __future__ import annotations

import copy

import boto3
from moto import mock_aws

from local.template import create_tables, local_table_names, resources_of_type


def test_a_table_kept_from_before_gets_the_new_index_and_answers_on_it():
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        names = local_table_names()
        old = copy.deepcopy(resources_of_type("AWS::DynamoDB::Table")["ScreeningsTable"]["Properties"])
        old["GlobalSecondaryIndexes"] = [i for i in old["GlobalSecondaryIndexes"] if i["IndexName"] != "by_pending"]
        old["AttributeDefinitions"] = [a for a in old["AttributeDefinitions"] if a["AttributeName"] != "pending"]
        keep = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")
        dynamodb.create_table(TableName=names["ScreeningsTable"], **{key: old[key] for key in keep})

        create_tables(dynamodb, names, existing={names["ScreeningsTable"]})

        table = dynamodb.describe_table(TableName=names["ScreeningsTable"])["Table"]
        assert "by_pending" in {index["IndexName"] for index in table["GlobalSecondaryIndexes"]}
        dynamodb.put_item(
            TableName=names["ScreeningsTable"], Item={"screening_id": {"S": "s1"}, "pending": {"S": "SETTLE"}}
        )
        found = dynamodb.query(
            TableName=names["ScreeningsTable"],
            IndexName="by_pending",
            KeyConditionExpression="pending = :p",
            ExpressionAttributeValues={":p": {"S": "SETTLE"}},
        )
        assert found["Count"] == 1
