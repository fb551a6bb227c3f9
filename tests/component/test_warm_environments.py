"""The in-process stacks hand their functions' warm environments on to the next test's stack (local.runtime's
EnvironmentPool): what a test sees must still be what a freshly imported function would do."""

from __future__ import annotations

import pytest

from boxoffice.clock import clock
from local.inprocess import InProcessStack, mocked_aws, warm_environments


def _kids(stack: InProcessStack) -> set[str]:
    answer = stack.api.get("/.well-known/jwks.json")
    assert answer.status == 200, answer
    return {key["kid"] for key in answer.body["keys"]}


def _keys_module(stack: InProcessStack):  # type: ignore[no-untyped-def]
    return stack.runtime.environment("JwksFunction").module("boxoffice.auth.keys", to_patch=False)


@pytest.fixture(autouse=True)
def _frozen_clock():  # type: ignore[no-untyped-def]
    clock.freeze()
    yield
    clock.reset()


def test_the_next_stack_gets_the_same_modules_with_what_they_cached_of_the_old_aws_forgotten():
    with mocked_aws() as first_aws:
        first = InProcessStack(first_aws)
        first_kids = _kids(first)
        first_modules = _keys_module(first)
    handed_on = warm_environments.handed_on
    with mocked_aws() as second_aws:
        second = InProcessStack(second_aws)
        second_kids = _kids(second)
        assert _keys_module(second) is first_modules, "the function was imported again"
        assert warm_environments.handed_on > handed_on
        # The JWKS caches the KMS keys once per warm environment: it must publish this AWS's, not the last one's.
        assert second_kids.isdisjoint(first_kids)
        assert len(second_kids) == 3  # two token keys and the ticket key
    with pytest.raises(RuntimeError, match="handed on"):
        first.invoke("JwksFunction", {})


def test_an_environment_a_test_reached_into_is_never_handed_on():
    with mocked_aws() as first_aws:
        first = InProcessStack(first_aws)
        patched = first.module("JwksFunction", "boxoffice.auth.keys")  # as a test injecting a fault does
        patched.injected_fault = True
    with mocked_aws() as second_aws:
        second = InProcessStack(second_aws)
        fresh = _keys_module(second)
        assert fresh is not patched
        assert not hasattr(fresh, "injected_fault")
        assert len(_kids(second)) == 3


def test_functions_with_other_variables_never_share_an_environment():
    def place_order_settings(stack: InProcessStack):  # type: ignore[no-untyped-def]
        return stack.runtime.environment("PlaceOrderFunction").module("boxoffice.settings", to_patch=False)

    with mocked_aws() as first_aws:
        first = InProcessStack(first_aws, {"HoldSeconds": "30"})
        first_settings = place_order_settings(first)
        assert first_settings.get_settings().hold_seconds == 30
        first_keys = _keys_module(first)
    with mocked_aws() as second_aws:
        second = InProcessStack(second_aws, {"HoldSeconds": "31"})
        second_settings = place_order_settings(second)
        assert second_settings is not first_settings
        assert second_settings.get_settings().hold_seconds == 31
        assert _keys_module(second) is first_keys  # the JWKS function's variables are the same in both stacks
