"""Every PynamoDB model says the same about its table (keys, indexes) as template.yaml."""

from __future__ import annotations

import pytest
from pynamodb.models import Model

from boxoffice.models.catalog import Hall, Member, Movie, Screening, Subscription
from boxoffice.models.chairs import Chair
from boxoffice.models.orders import HoldQuota, Order
from boxoffice.models.users import AdministratorsCounter, UserLogin, UserProfile
from boxoffice.payments.simulated import LedgerEntry
from local.template import resources_of_type

MODELS = [
    Movie,
    Member,
    Subscription,
    Hall,
    Screening,
    Chair,
    Order,
    HoldQuota,
    UserProfile,
    UserLogin,
    AdministratorsCounter,
    LedgerEntry,
]


def template_table(model: type[Model]) -> dict:
    logical_id = "".join(word.title() for word in model.Meta.__dict__["table_name"].table.split("_")) + "Table"
    return resources_of_type("AWS::DynamoDB::Table")[logical_id]["Properties"]


def keys(schema: list[dict]) -> dict[str, str]:
    return {key["KeyType"]: key["AttributeName"] for key in schema}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_model_matches_its_table(model):
    table = template_table(model)
    schema = model._get_schema()
    assert keys(schema["key_schema"]) == keys(table["KeySchema"])
    declared = {index["IndexName"]: keys(index["KeySchema"]) for index in table.get("GlobalSecondaryIndexes", [])}
    modelled = {index["index_name"]: keys(index["key_schema"]) for index in schema["global_secondary_indexes"]}
    assert modelled.items() <= declared.items(), f"{model.__name__}: {modelled} vs {declared}"
    types = {definition["AttributeName"]: definition["AttributeType"] for definition in table["AttributeDefinitions"]}
    for definition in schema["attribute_definitions"]:
        assert types[definition["AttributeName"]] == definition["AttributeType"], definition
