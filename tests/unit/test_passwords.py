"""Password hashes: production's cost, and verification by the cost a hash names (the test harness relies on it)."""

from __future__ import annotations

import pytest

from boxoffice.auth import passwords
from tests.harness import _test_password_hash


def test_a_new_hash_has_productions_scrypt_cost_and_a_fresh_salt() -> None:
    first, second = passwords.hash_password("correct horse battery"), passwords.hash_password("correct horse battery")
    scheme, n, r, p, salt, _digest = first.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**14, 8, 1)
    assert salt != second.split("$")[4]
    assert passwords.verify_password("correct horse battery", first)
    assert not passwords.verify_password("correct horse batterx", first)


def test_a_hash_is_verified_with_the_cost_it_names() -> None:
    """The harness's staff hashes are made at a lower cost; login must still check them for real."""
    cheap = _test_password_hash("a-long-test-password")
    assert cheap.split("$")[1] == str(2**10)
    assert passwords.verify_password("a-long-test-password", cheap)
    assert not passwords.verify_password("a-long-test-passwore", cheap)
    # The cost is part of what is checked: the same digest under another cost does not verify.
    assert not passwords.verify_password("a-long-test-password", cheap.replace("$1024$", "$2048$", 1))


@pytest.mark.parametrize(
    "stored",
    ["", "scrypt", "bcrypt$16384$8$1$c2FsdA==$ZGlnZXN0", "scrypt$x$8$1$c2FsdA==$ZGlnZXN0", "scrypt$16384$8$1$%%$%%"],
)
def test_a_malformed_or_foreign_hash_never_verifies(stored: str) -> None:
    assert not passwords.verify_password("anything at all", stored)
