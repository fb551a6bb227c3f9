"""The audit log: every staff action and sign-in, who, what, when, on what, from where; never changed."""

from __future__ import annotations

import pytest

from boxoffice.clock import clock
from local.template import resources_of_type
from tests.component.booking_helpers import Booking, customer, make_screening, staff
from tests.harness import Accounts
from tools.factories import DOOR_PERMISSIONS, staff_context

auditor = staff("auditor", "audit:view")


def audit(stack, **query: str):
    answer = stack.call("ListAuditFunction", identity=auditor, query=query or None)
    assert answer.status == 200, answer
    return answer.body


def test_each_staff_action_and_sign_in_is_kept_with_who_what_when_and_from_where(stack):
    clock.freeze()
    accounts = Accounts(stack)
    admin = accounts.admin()
    clerk = accounts.staff({"orders:manage"})
    booking = Booking(stack, make_screening(stack))
    ann = customer("ann")
    order = booking.hold(ann, ["A-1", "A-2"]).body
    tickets = booking.pay(ann, order).body["tickets"]
    door = staff_context("door-1", DOOR_PERMISSIONS)
    assert (
        stack.call(
            "CheckInFunction",
            identity=door,
            path={"code": tickets[0]["code"]},
            body={"screening_id": booking.screening_id},
        ).status
        == 200
    )
    refund = stack.api.post(
        f"/orders/{order['order_id']}/refund", {"chairs": ["A-2"]}, token=clerk.token, client_address="203.0.113.7"
    )
    assert refund.status == 200, refund
    changed = stack.api.put(
        f"/users/{clerk.user_id}",
        {"permissions": ["orders:manage", "orders:view-all"], "unlock": True},
        token=admin.token,
        client_address="198.51.100.9",
    )
    assert changed.status == 200, changed
    clerk_at_the_counter = staff("counter")
    sold = booking.pay(clerk_at_the_counter, booking.hold(clerk_at_the_counter, ["B-1"]).body, "cash")
    assert sold.status == 200, sold
    stack.deliver_events()

    entries = audit(stack, limit="100")["items"]
    actions = {(entry["action"], entry["actor"]["user_id"]) for entry in entries}
    assert ("OrderPartlyRefunded", clerk.user_id) in actions
    assert ("TicketCheckedIn", door["sub"]) in actions
    assert ("UserPermissionsChanged", admin.user_id) in actions
    assert ("UserUnlocked", admin.user_id) in actions
    assert ("UserSignedIn", clerk.user_id) in actions and ("UserSignedIn", admin.user_id) in actions
    assert {"MovieCreated", "HallCreated", "ScreeningCreated"} <= {entry["action"] for entry in entries}
    # A customer's own hold and payment are trade, not actions on anyone's behalf; a sale at the counter is kept.
    trade = {
        (entry["action"], entry["actor"]["user_id"])
        for entry in entries
        if entry["action"] in ("OrderHeld", "OrderPaid")
    }
    assert trade == {("OrderPaid", clerk_at_the_counter["sub"])}  # the sale (sold_by), not the hold before it

    refund_entry = next(entry for entry in entries if entry["action"] == "OrderPartlyRefunded")
    assert refund_entry["actor"] == {"user_id": clerk.user_id, "username": clerk.username, "address": "203.0.113.7"}
    assert refund_entry["target"] == {"type": "order", "id": order["order_id"]}
    assert refund_entry["detail"]["chairs"] == ["A-2"] and refund_entry["detail"]["amount_cents"] == 1000
    permissions_entry = next(entry for entry in entries if entry["action"] == "UserPermissionsChanged")
    assert permissions_entry["actor"]["address"] == "198.51.100.9"
    assert permissions_entry["detail"]["previous_permissions"] == ["orders:manage"]
    assert [entry["at"] for entry in entries] == sorted((entry["at"] for entry in entries), reverse=True)


def test_the_log_is_searched_by_actor_action_and_time_newest_first_in_pages(stack):
    clock.freeze()
    accounts = Accounts(stack)
    admin = accounts.admin()
    start = clock.time()
    for _ in range(3):
        clock.advance(3600)
        accounts.login(admin.username)
    other = accounts.admin()
    stack.deliver_events()

    mine = audit(stack, actor=admin.user_id, action="UserSignedIn")["items"]
    assert len(mine) == 4 and all(entry["actor"]["user_id"] == admin.user_id for entry in mine)
    assert all(entry["action"] == "UserSignedIn" for entry in audit(stack, action="UserSignedIn")["items"])
    assert other.user_id in {entry["actor"]["user_id"] for entry in audit(stack, action="UserSignedIn")["items"]}

    from boxoffice.clock import iso

    window = audit(stack, actor=admin.user_id, since=iso(start + 3600), until=iso(start + 2 * 3600 + 1))
    assert len(window["items"]) == 2
    first = audit(stack, actor=admin.user_id, limit="2")
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = audit(stack, actor=admin.user_id, limit="100", cursor=first["next_cursor"])
    assert not {e["event_id"] for e in first["items"]} & {e["event_id"] for e in rest["items"]}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "INVALID_RANGE"),
        ({"since": "2020-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "INVALID_RANGE"),
        ({"action": "OrderEaten"}, "VALIDATION_FAILED"),
        ({"actor": "a b"}, "VALIDATION_FAILED"),
        ({"since": "last week"}, "VALIDATION_FAILED"),
        ({"cursor": "eyJmb28iOiAiYmFyIn0"}, "INVALID_CURSOR"),
    ],
)
def test_bad_searches_are_clear_4xx(stack, query, code):
    answer = stack.call("ListAuditFunction", identity=auditor, query=query)
    assert answer.status == 422 and answer.body["code"] == code, answer


def test_the_log_needs_audit_view(stack):
    assert stack.call("ListAuditFunction", identity=staff("boxoffice")).status == 403


def test_no_function_may_change_or_delete_an_audit_entry():
    """Only the audit recorder writes the table, and only PutItem (conditional on a new id, in the code);
    nothing may UpdateItem, DeleteItem or BatchWriteItem it, or hold a wildcard on it."""
    writers = {}
    for logical_id, function in resources_of_type("AWS::Serverless::Function").items():
        for policy in function["Properties"].get("Policies", []):
            for statement in policy["Statement"]:
                resources = (
                    statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
                )
                if any("AuditTable" in str(resource) for resource in resources):
                    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                    writes = [a for a in actions if a.split(":")[1] not in ("Query", "GetItem", "BatchGetItem")]
                    if writes:
                        writers[logical_id] = sorted(writes)
    assert writers == {"RecordAuditFunction": ["dynamodb:PutItem"]}


def test_an_entry_is_written_once_however_often_its_event_comes(stack, aws):
    accounts = Accounts(stack)
    accounts.admin()
    stack.deliver_events()
    entries = audit(stack, limit="100")["items"]
    sign_in = next(entry for entry in entries if entry["action"] == "UserSignedIn")
    detail = {**sign_in["detail"], "actor": sign_in["actor"]}
    again = stack.invoke(
        "RecordAuditFunction", {"source": "boxoffice", "detail-type": "UserSignedIn", "detail": detail}
    )
    assert again == {"applied": False}
    assert len(audit(stack, limit="100")["items"]) == len(entries)
