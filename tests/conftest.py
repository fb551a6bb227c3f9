"""Fixtures every test shares. Nothing here reaches the network: AWS is moto, in process."""

from __future__ import annotations

import os

# Before anything imports botocore: fake credentials, one region, no telemetry,
# and no endpoint or profile of the developer's machine leaking in.
for _variable in [name for name in os.environ if name.startswith(("AWS_ENDPOINT_URL", "AWS_PROFILE"))]:
    del os.environ[_variable]
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    SAM_CLI_TELEMETRY="0",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_SERVICE_NAME="boxoffice",
    POWERTOOLS_METRICS_NAMESPACE="Boxoffice",
    STAGE="test",
)

import gc  # noqa: E402
import io  # noqa: E402
import logging  # noqa: E402
import random  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from tests import profiles  # noqa: E402
from tests.harness import Accounts, AwsCallCounter, MockedAws, StackUnderTest, mocked_aws  # noqa: E402

# Before any test module is imported: their @settings take the loaded profile's values.
profiles.register()
SEED_VARIABLE = "HYPOTHESIS_SEED"

# The test processes hold moto's tables, every function's modules and their SDK models: hundreds of thousands of
# objects that a full collection walks each time. Collecting less often made the booking model's run ~8 % faster
# (55.3/51.6 s -> 49.4/46.7 s, alternating); nothing here depends on when garbage is collected.
gc.set_threshold(50_000, 50, 100)


def _reset_layer_caches() -> None:
    """The test process's own copy of the layer forgets what it cached, as a handed-on function environment does."""
    from boxoffice.clock import clock
    from local.runtime import reset_layer_caches

    reset_layer_caches(dict(sys.modules))
    clock.reset()


_rsa_keys: list = []  # made once per test process, handed out in the same order to every test


def _reuse_rsa_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto makes a new 2048-bit RSA key for every KMS key (about 60 ms each, three per test: the two
    token keys and, as moto's stand-in, the ticket key's HMAC). Each test still gets distinct keys, in the
    order it creates them; only the key material is the same as the previous test's, which no test can
    tell from moto's fresh key ids."""
    from moto.kms import models, utils

    handed_out = 0
    made_otherwise = {"RSA_3072", "RSA_4096", *utils.KeySpec.ecc_key_specs()}  # every other spec gets RSA 2048

    def generate_private_key(key_spec: str):  # type: ignore[no-untyped-def]
        nonlocal handed_out
        if key_spec in made_otherwise:
            return utils.generate_private_key(key_spec)
        if handed_out == len(_rsa_keys):
            _rsa_keys.append(utils.generate_private_key("RSA_2048"))
        handed_out += 1
        return _rsa_keys[handed_out - 1]

    monkeypatch.setattr(models, "generate_private_key", generate_private_key)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockedAws]:
    """Fresh moto AWS with the template's tables and keys; the test process sees every table.

    The clock stands still: only `clock.advance` moves time, so no test depends on how fast
    the machine is (a busy CI machine once turned a 1-second real timeout into a failure).
    """
    from boxoffice.clock import clock

    _reuse_rsa_keys(monkeypatch)
    with mocked_aws() as mocked:
        for name, value in mocked.environment().items():
            monkeypatch.setenv(name, value)
        _reset_layer_caches()
        clock.freeze()
        yield mocked
    _reset_layer_caches()


@pytest.fixture
def stack(aws: MockedAws) -> StackUnderTest:
    """The template's functions and API in process, with the template's default parameters."""
    return StackUnderTest(aws)


@pytest.fixture
def make_stack(aws: MockedAws):
    """A stack with other parameters, e.g. make_stack(HoldSeconds="30"), or extra function variables."""

    def make(environment: dict[str, dict[str, str]] | None = None, **parameters: str) -> StackUnderTest:
        return StackUnderTest(aws, parameters, environment)

    return make


@pytest.fixture
def accounts(stack: StackUnderTest) -> Accounts:
    """Make users with exact permissions and log them in through the API."""
    return Accounts(stack)


@pytest.fixture
def aws_calls() -> Iterator[AwsCallCounter]:
    with AwsCallCounter() as counter:
        yield counter


@pytest.fixture
def log_stream(stack: StackUnderTest) -> Iterator[io.StringIO]:
    """What the functions' Powertools loggers write (one `boxoffice` logger per process, whatever the test)."""
    stream = io.StringIO()
    previous: dict[logging.StreamHandler, Any] = {}

    def redirect() -> None:
        for handler in logging.getLogger("boxoffice").handlers:
            if isinstance(handler, logging.StreamHandler) and handler not in previous:
                # Not setStream: it flushes the stream it replaces, which may be closed.
                previous[handler], handler.stream = handler.stream, stream

    # First the handlers there are (one may still write to an earlier pytest session's closed capture, as under
    # mutmut, which runs pytest several times in one process), then those the warm-up makes.
    redirect()
    stack.invoke("SweepHoldsFunction", {"id": "warm-up"})  # make sure the logger and its handler exist
    redirect()
    stream.seek(0)
    stream.truncate()
    yield stream
    for handler, old in previous.items():
        handler.stream = old


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `slow` (tens of seconds each) run first: with two workers, one of them starting last
    would leave the other idle while it finishes. Each Hypothesis test gets the run's seed."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    _seed_hypothesis_tests(items)
    if "mutmut" in sys.modules:  # make mutate: mutmut 3.7 (the newest beside the SAM CLI's click) reads _nodeid
        for item in items:
            item._nodeid = item.nodeid  # type: ignore[attr-defined]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """One seed for every Hypothesis test of the run: given (--hypothesis-seed, or HYPOTHESIS_SEED), else the
    profile's: `check` and `test` always the same one (make test draws a fixed set of examples), `deep` a new one
    each run (it explores). The environment hands it to pytest-xdist's workers, which start after this."""
    given = config.getoption("hypothesis_seed", None) or os.environ.get(SEED_VARIABLE)
    seed = given or (profiles.FIXED_SEED if profiles.fixed() else random.getrandbits(32))
    os.environ[SEED_VARIABLE] = str(seed)


def _seed_hypothesis_tests(items: list[pytest.Item]) -> None:
    """Seed each Hypothesis test as @seed would, rather than through Hypothesis's global seed: a global seed turns
    off the example database, and a seeded test still replays the failures the database kept (.hypothesis/)
    before drawing the run's examples."""
    from hypothesis.internal.detection import is_hypothesis_test

    seed = int(os.environ[SEED_VARIABLE])
    for item in items:
        test = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        if is_hypothesis_test(test) and getattr(test, "_hypothesis_internal_use_seed", None) is None:
            test._hypothesis_internal_use_seed = seed  # what hypothesis.seed(seed)(test) sets


def replay_command(nodeid: str) -> str:
    variables = f"HYPOTHESIS_PROFILE={profiles.profile()} {SEED_VARIABLE}={os.environ[SEED_VARIABLE]}"
    return f"{variables} .venv/bin/python -m pytest -n 0 {shlex.quote(nodeid)}"


def pytest_report_header(config: pytest.Config) -> str:
    return f"hypothesis: profile {profiles.profile()!r}, seed {os.environ[SEED_VARIABLE]}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """A failing model-based or property test says how to run exactly it again (its examples also stay in
    .hypothesis/, which replays them first on this machine)."""
    report = yield
    if report.failed and item.get_closest_marker("model") is not None:
        report.sections.append(("Replay", f"seed {os.environ[SEED_VARIABLE]}: {replay_command(item.nodeid)}"))
    return report
