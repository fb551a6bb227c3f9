"""The door: a ticket is admitted once, every refusal says why, and the QR verifies offline with the JWKS."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from boxoffice.clock import clock
from tests.component.booking_helpers import Booking, customer, make_screening, staff
from tools.factories import DOOR_PERMISSIONS, staff_context

door = staff_context("door-1", DOOR_PERMISSIONS)
other_door = staff_context("door-2", DOOR_PERMISSIONS)


@pytest.fixture
def booking(stack):
    return Booking(stack, make_screening(stack, hours_from_now=2))


@pytest.fixture
def paid(booking):
    """Alice's paid order of two chairs: (order, its tickets)."""
    alice = customer("alice")
    order = booking.hold(alice, ["A-1", "A-2"]).body
    answer = booking.pay(alice, order)
    assert answer.status == 200, answer
    return answer.body, answer.body["tickets"]


def scan(stack, code: str, screening_id: str, who=door):
    return stack.call("CheckInFunction", identity=who, path={"code": code}, body={"screening_id": screening_id})


def test_a_ticket_is_admitted_once_and_a_second_scan_says_when_and_by_whom(stack, booking, paid):
    order, tickets = paid
    first = scan(stack, tickets[0]["code"], booking.screening_id)
    assert first.status == 200, first
    assert first.body == {"chair": "A-1", "order_id": order["order_id"], "checked_in_at": first.body["checked_in_at"]}
    clock.advance(90)
    again = scan(stack, tickets[0]["code"], booking.screening_id, who=other_door)
    assert again.status == 409 and again.body["code"] == "ALREADY_CHECKED_IN"
    assert again.body["details"] == {"checked_in_at": first.body["checked_in_at"], "checked_in_by": "door-1"}
    assert scan(stack, tickets[1]["code"], booking.screening_id).status == 200, "each ticket on its own"
    shown = booking.order(customer("alice"), order["order_id"]).body["tickets"]
    assert [ticket["checked_in_at"] is not None for ticket in shown] == [True, True]


def test_a_refunded_ticket_is_not_valid(stack, booking, paid):
    order, tickets = paid
    assert booking.refund(staff(), order["order_id"]).status == 200
    refused = scan(stack, tickets[0]["code"], booking.screening_id)
    assert refused.status == 409 and refused.body["code"] == "TICKET_NOT_VALID"
    assert refused.body["details"] == {"order_status": "REFUNDED"}, "the door is told why"


def test_another_screenings_ticket_is_refused_with_what_it_is_for(stack, booking, paid):
    _, tickets = paid
    elsewhere = make_screening(stack, hours_from_now=5)
    refused = scan(stack, tickets[0]["code"], elsewhere)
    assert refused.status == 409 and refused.body["code"] == "WRONG_SCREENING"
    assert refused.body["details"] == {"screening_id": booking.screening_id, "movie_name": "Sunrise"}, refused.body
    assert scan(stack, tickets[0]["code"], booking.screening_id).status == 200, "a refusal admits nobody"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),  # the secret is wrong
        lambda code: code.replace(".0.", ".7."),  # no such ticket in the order
        lambda code: "0" * 32 + code[32:],  # no such order
        lambda code: code.split(".")[2],  # not a code at all
        lambda code: "../" + code,
    ],
)
def test_an_unknown_or_forged_code_is_a_404_and_admits_nobody(stack, booking, paid, mangle):
    _, tickets = paid
    refused = scan(stack, mangle(tickets[0]["code"]), booking.screening_id)
    assert refused.status == 404 and refused.body["code"] == "NOT_FOUND", refused
    assert scan(stack, tickets[0]["code"], booking.screening_id).status == 200


def test_an_unpaid_hold_has_no_tickets_to_scan(stack, booking):
    held = booking.hold(customer(), ["B-1"]).body
    assert held.get("tickets") is None
    assert scan(stack, f"{held['order_id']}.0.{'x' * 22}", booking.screening_id).status == 404


def test_only_door_staff_and_managers_may_scan(stack, booking, paid):
    _, tickets = paid
    for who in (customer("alice"), staff()):
        assert scan(stack, tickets[0]["code"], booking.screening_id, who=who).status == 403
    assert scan(stack, tickets[0]["code"], booking.screening_id).status == 200


def test_attendance_counts_sold_checked_in_and_to_come(stack, booking, paid):
    _, tickets = paid
    bob = customer("bob")
    bobs = booking.hold(bob, ["B-1", "B-2", "B-3"]).body
    assert booking.pay(bob, bobs).status == 200
    booking.hold(customer(), ["B-4"])  # held, not sold
    scan(stack, tickets[0]["code"], booking.screening_id)

    def attendance(who=door):
        return stack.call("GetAttendanceFunction", identity=who, path={"screening_id": booking.screening_id})

    counts = attendance()
    assert counts.status == 200
    assert counts.body == {"screening_id": booking.screening_id, "sold": 5, "checked_in": 1, "to_come": 4}
    assert booking.refund(staff(), bobs["order_id"]).status == 200
    assert attendance().body["sold"] == 2
    assert attendance(staff_context("manager", "screenings:manage")).status == 200
    assert attendance(customer()).status == 403
    unknown = stack.call("GetAttendanceFunction", identity=door, path={"screening_id": "nope"})
    assert unknown.status == 404


def test_check_in_is_one_conditional_write_and_a_refusal_needs_no_read(stack, booking, paid, aws_calls):
    _, tickets = paid
    for expected in (200, 409):
        aws_calls.reset()
        assert scan(stack, tickets[0]["code"], booking.screening_id).status == expected
        assert aws_calls.of("dynamodb") == {"UpdateItem": 1}


def _jwks(stack) -> jwt.PyJWKSet:
    return jwt.PyJWKSet.from_dict(stack.api.get("/.well-known/jwks.json").body)


def _verify(qr: str, keys: jwt.PyJWKSet) -> dict:
    kid = jwt.get_unverified_header(qr)["kid"]
    return jwt.decode(qr, keys[kid].key, algorithms=["ES256"], options={"verify_aud": False})


def test_each_tickets_qr_verifies_with_the_published_jwks_and_a_tampered_one_does_not(stack, booking, paid):
    order, tickets = paid
    keys = _jwks(stack)
    for ticket in tickets:
        assert jwt.get_unverified_header(ticket["qr"])["typ"] == "boxoffice-ticket+jws"
        claims = _verify(ticket["qr"], keys)
        assert claims["tkt"] == ticket["code"] and claims["chr"] == ticket["chair"]
        assert claims["ord"] == order["order_id"] and claims["scr"] == booking.screening_id

    header, payload, signature = tickets[0]["qr"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["chr"] = "Z-99"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(f"{header}.{forged}.{signature}", keys)
    other_ticket_signature = tickets[1]["qr"].split(".")[2]
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(f"{header}.{payload}.{other_ticket_signature}", keys)


def test_a_tickets_qr_is_not_an_access_token(stack, paid):
    _, tickets = paid
    answer = stack.api.get("/me", token=tickets[0]["qr"])
    assert answer.status == 401


def test_a_tickets_qr_is_the_same_on_every_read_and_lives_in_no_table(stack, booking, paid, aws):
    order, tickets = paid
    alice = customer("alice")
    read = booking.order(alice, order["order_id"]).body["tickets"]
    listed = next(item for item in booking.orders(alice).body["items"] if item["order_id"] == order["order_id"])
    assert [ticket["qr"] for ticket in read] == [ticket["qr"] for ticket in listed["tickets"]]
    assert [ticket["qr"] for ticket in read] == [ticket["qr"] for ticket in tickets], "deterministic (RFC 6979)"
    stored = aws.dynamodb.get_item(TableName=aws.tables["OrdersTable"], Key={"order_id": {"S": order["order_id"]}})
    assert all("qr" not in ticket["M"] for ticket in stored["Item"]["tickets"]["L"])
    assert stored["Item"]["tickets"]["L"][0]["M"]["code"]["S"] == tickets[0]["code"]
    # The JWKS publishes the ticket key beside the token keys; it signs tickets, never access tokens.
    published = {key["kid"]: key for key in stack.api.get("/.well-known/jwks.json").body["keys"]}
    ticket_kid = jwt.get_unverified_header(tickets[0]["qr"])["kid"]
    assert published[ticket_kid]["kty"] == "EC" and published[ticket_kid]["alg"] == "ES256"
    assert "d" not in published[ticket_kid], "the private scalar leaked"
    assert sorted(key["alg"] for key in published.values()) == ["ES256", "RS256", "RS256"]


def test_kms_failing_to_give_the_ticket_key_at_payment_charges_nothing_and_the_retry_pays(stack, booking, aws):
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    alice = customer("alice")
    order = booking.hold(alice, ["B-1"]).body
    working = BaseClient._make_api_call

    def kms_down(client, operation, params):
        if operation == "GenerateMac":
            raise ClientError({"Error": {"Code": "KMSInternalException", "Message": "unavailable"}}, operation)
        return working(client, operation, params)

    BaseClient._make_api_call = kms_down  # type: ignore[method-assign]
    try:
        failed = booking.pay(alice, order, key="pay-once")
    finally:
        BaseClient._make_api_call = working  # type: ignore[method-assign]
    assert failed.status >= 500 and failed.body["code"], failed
    assert booking.order(alice, order["order_id"]).body["status"] == "HELD"
    assert aws.dynamodb.scan(TableName=aws.tables["PaymentLedgerTable"])["Count"] == 0, "nothing was charged"
    retried = booking.pay(alice, order, key="pay-once")
    assert retried.status == 200, retried
    assert retried.body["status"] == "PAID" and retried.body["tickets"][0]["qr"]
