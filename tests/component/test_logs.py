"""The logs of a whole booking: structured JSON with a correlation id on every line, and no secret in any."""

from __future__ import annotations

import json

from boxoffice.models.users import UserLogin, login_key
from tests.component.booking_helpers import make_screening


def test_a_full_booking_logs_no_secret_and_a_correlation_id_everywhere(stack, capfd, log_stream):
    screening_id = make_screening(stack)
    capfd.readouterr()
    log_stream.truncate(0)
    log_stream.seek(0)
    password = "a very secret passphrase"
    stack.api.post(
        "/auth/register",
        {"username": "logger", "password": password, "first_name": "L", "last_name": "G", "email": "lg@example.com"},
    )
    stack.api.post("/auth/login", {"username": "logger", "password": "a wrong passphrase"})
    token = stack.api.post("/auth/login", {"username": "logger", "password": password}).body["access_token"]
    held = stack.api.post("/orders", {"screening_id": screening_id, "chairs": ["A-1", "A-2"]}, token=token).body
    paid = stack.api.post(
        f"/orders/{held['order_id']}/payment",
        {"confirmation_id": held["confirmation_id"], "payment_method": "tok_ok"},
        token=token,
        headers={"Idempotency-Key": "log-test-payment-1"},
    ).body
    stack.api.get(f"/orders/{held['order_id']}", token=token)
    stack.api.post(
        f"/orders/{held['order_id']}/payment",
        {"confirmation_id": "guessed-wrong", "payment_method": "tok_ok"},
        token=token,
        headers={"Idempotency-Key": "log-test-payment-2"},
    )
    stack.api.post(f"/orders/{held['order_id']}/refund", token=token)
    stack.api.get("/me", token=token + "x")
    stack.invoke("SweepHoldsFunction", {"id": "sweep-event-1", "detail-type": "Scheduled Event"})
    output = "".join(capfd.readouterr()) + log_stream.getvalue()

    secrets = {
        "password": password,
        "wrong password": "a wrong passphrase",
        "token": token,
        "token signature": token.split(".")[2],
        "password hash": UserLogin.get(login_key("logger")).password_hash.split("$")[-1],
        "confirmation id": held["confirmation_id"],
        **{f"ticket {ticket['chair']}": ticket["code"] for ticket in paid["tickets"]},
    }
    leaked = [name for name, value in secrets.items() if value in output]
    assert not leaked, f"in the logs: {leaked}"

    log_lines = [json.loads(line) for line in output.splitlines() if line.startswith('{"level"')]
    assert len(log_lines) >= 4
    without = [line["message"] for line in log_lines if not line.get("correlation_id")]
    assert not without, f"log lines without a correlation id: {without}"
    # The authorizer logs through the standard library in Lambda's own JSON format (see the next test).
    assert {line["function_name"] for line in log_lines} >= {
        "PlaceOrderFunction",
        "PayOrderFunction",
        "SweepHoldsFunction",
    }


def test_the_authorizer_logs_why_it_refused_a_token_and_never_the_token(stack, accounts, caplog):
    import logging

    user = accounts.customer()
    forged = user.token[:-8] + ("A" * 8 if not user.token.endswith("A" * 8) else "B" * 8)
    with caplog.at_level(logging.INFO, logger="boxoffice.authorizer"):
        assert stack.api.get("/me", token=forged).status == 401
    refusals = [record for record in caplog.records if record.getMessage() == "token rejected"]
    assert len(refusals) == 1 and refusals[0].reason == "bad signature" and refusals[0].route == "GET /me"
    assert not any(
        forged in record.getMessage() or forged.split(".")[2] in str(record.__dict__) for record in caplog.records
    )
