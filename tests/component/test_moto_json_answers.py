"""local.moto_patches writes plain DynamoDB results with json.dumps instead of moto's shape walk: a client must
get exactly the same answer either way, for every request a booking, its sweep and its events make."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto.core.responses import ActionResult

from boxoffice.clock import clock
from local import moto_patches
from local.events import EventPlumbing
from local.template import LOCAL_REGION, local_table_names
from tests.component.booking_helpers import Booking, customer, make_screening


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
