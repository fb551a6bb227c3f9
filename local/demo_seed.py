"""Runs inside the local runtime, like a function, with every table of the stack: loads the demo data."""

from __future__ import annotations

from typing import Any

from boxoffice.auth import accounts
from boxoffice.auth.schemas import RegisterIn


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    admin = accounts.create_administrator(
        username="admin", first_name="Ada", last_name="Admin", email="admin@example.com",
        password=event["admin_password"],
    )
    customer = accounts.register_customer(RegisterIn(
        username="demo", password=event["demo_password"], first_name="Dee", last_name="Demo",
        email="demo@example.com",
    ))
    return {"admin_id": admin.user_id, "customer_id": customer.user_id}
