"""The test harness: the in-process stack (local.inprocess) and accounts made for tests."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from unittest import mock

from local.inprocess import (
    ADMIN_CONTEXT,
    DEFAULT_PARAMETERS,
    TEST_ISSUER,
    ApiClient,
    AwsCallCounter,
    InProcessStack,
    MockedAws,
    Response,
    mocked_aws,
    resolved_stack,
    sample_event,
)

StackUnderTest = InProcessStack

__all__ = [
    "ADMIN_CONTEXT",
    "DEFAULT_PARAMETERS",
    "TEST_ISSUER",
    "Accounts",
    "ApiClient",
    "AwsCallCounter",
    "MockedAws",
    "Response",
    "StackUnderTest",
    "TestUser",
    "mocked_aws",
    "resolved_stack",
    "sample_event",
]


@dataclass
class TestUser:
    user_id: str
    username: str
    password: str
    token: str
    permissions: frozenset[str]


# scrypt's cost for the harness's staff passwords: a sixteenth of production's (tests log in thousands of
# times). The stored hash names its own cost, so login verifies it the real way; production's cost is what
# registration and password changes make, and tests/unit/test_passwords.py holds it.
_TEST_SCRYPT_COST_N = 2**10


@functools.cache
def _test_password_hash(password: str) -> str:
    """The harness's staff share one password, hashed once per test process at a low scrypt cost; login still
    verifies it the real way, with the cost the hash names."""
    import base64

    from boxoffice.auth import passwords

    salt = b"harness-salt-16b"
    digest = passwords._derive(password, salt, _TEST_SCRYPT_COST_N, passwords.BLOCK_R, passwords.PARALLEL_P)
    encode = base64.b64encode
    cost = f"{_TEST_SCRYPT_COST_N}${passwords.BLOCK_R}${passwords.PARALLEL_P}"
    return f"{passwords.SCHEME}${cost}${encode(salt).decode()}${encode(digest).decode()}"


class Accounts:
    """Users made straight through the domain code, then logged in through the real API."""

    PASSWORD = "a-long-test-password"

    def __init__(self, stack: InProcessStack) -> None:
        self.stack = stack
        self._count = 0
        self._addresses = 0

    def _next_name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count:03d}"

    def login(self, username: str, password: str | None = None) -> str:
        answer = self.stack.api.post("/auth/login", {"username": username, "password": password or self.PASSWORD})
        assert answer.status == 200, answer
        return str(answer.body["access_token"])

    def staff(
        self,
        permissions: set[str] | frozenset[str] | list[str],
        *,
        session_minutes: int = 60,
        username: str | None = None,
    ) -> TestUser:
        from boxoffice.auth import accounts
        from boxoffice.auth.schemas import CreateUserIn, SignupIn

        username = username or self._next_name("staff")
        created = accounts.create_staff(
            CreateUserIn(
                username=username,
                first_name="Staff",
                last_name="Member",
                email=f"{username}@example.com",
                session_timeout_minutes=session_minutes,
                permissions=sorted(permissions),
            )
        )
        hashed = _test_password_hash(self.PASSWORD)
        with mock.patch("boxoffice.auth.passwords.hash_password", lambda _password: hashed):
            accounts.signup(SignupIn(username=username, signup_code=created.signup_code, password=self.PASSWORD))
        return TestUser(created.user_id, username, self.PASSWORD, self.login(username), frozenset(permissions))

    def admin(self, username: str | None = None) -> TestUser:
        from boxoffice import permissions

        return self.staff(permissions.ALL_PERMISSIONS, username=username or self._next_name("admin"))

    def customer(self, username: str | None = None, client_address: str | None = None) -> TestUser:
        """A customer registered through the API, each from an address of its own unless one is given
        (registrations per address are limited; tests of that limit say the address)."""
        from boxoffice import permissions

        username = username or self._next_name("customer")
        self._addresses += 1
        answer = self.stack.api.post(
            "/auth/register",
            {
                "username": username,
                "password": self.PASSWORD,
                "first_name": "Cus",
                "last_name": "Tomer",
                "email": f"{username}@example.com",
            },
            client_address=client_address or f"10.1.{self._addresses // 250}.{self._addresses % 250 + 1}",
        )
        assert answer.status == 201, answer
        return TestUser(
            answer.body["user_id"],
            username,
            self.PASSWORD,
            self.login(username),
            permissions.DEFAULT_CUSTOMER_PERMISSIONS,
        )
