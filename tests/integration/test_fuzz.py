"""Schemathesis against the local stack: generated requests for every operation, as an administrator and a customer.

No answer may be a 5xx a client could cause, and every answer must be what
docs/openapi.json says: a documented status, content type and body. `make
test` runs a bounded number of examples per operation; `make fuzz` many more.
"""

from __future__ import annotations

import itertools
import os
import uuid

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from local.demo import DEMO_PASSWORD
from tests.integration.conftest import ADMIN_PASSWORD
from tests.profiles import examples
from tools.openapi import DOCUMENT

pytestmark = pytest.mark.integration

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", examples("route_fuzz")))  # make fuzz: 100
schema = schemathesis.openapi.from_path(str(DOCUMENT))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def tokens(local_stack):
    def login(username: str, password: str) -> str:
        answer = requests.post(
            f"{local_stack.url}/auth/login", json={"username": username, "password": password}, timeout=30
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    fresh = itertools.count(1)

    def new_account() -> str:
        """A session of a new customer's: an account may sign in 10 times a minute, and each example of
        POST /auth/logout ends the session it carries (it needs any valid token, whoever's)."""
        username = f"fuzz-{uuid.uuid4().hex[:8]}-{next(fresh)}"
        body = {"username": username, "password": DEMO_PASSWORD, "first_name": "F", "last_name": "Z"}
        registered = requests.post(
            f"{local_stack.url}/auth/register", json={**body, "email": f"{username}@example.com"}, timeout=30
        )
        assert registered.status_code == 201, registered.text
        return login(username, DEMO_PASSWORD)

    accounts = {"administrator": ("admin", ADMIN_PASSWORD), "customer": ("demo", DEMO_PASSWORD)}
    shared = {who: login(*account) for who, account in accounts.items()}

    def token_for(who: str, operation: str) -> str:
        return new_account() if operation == "POST /auth/logout" else shared[who]

    return token_for


@pytest.mark.model
@pytest.mark.parametrize("who", ["administrator", "customer"])
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, who, local_stack, tokens):
    case.call_and_validate(
        base_url=local_stack.url,
        headers={"Authorization": f"Bearer {tokens(who, f'{case.method.upper()} {case.path}')}"},
        checks=CHECKS,
        timeout=30,
    )
