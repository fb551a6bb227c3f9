"""How many examples the model-based and property tests run: one Hypothesis settings profile per make target.

- `check` (make check, the inner loop): the model-based tests are deselected; property tests run a few.
- `test` (make test, and a bare pytest): what keeps the whole of make test within 8 minutes on a quiet 2-core
  machine (issue 27).
- `deep` (make test-deep; CI runs it after make test): every model-based and property test at 500 examples or
  5x what make test ran before the profiles (BEFORE), whichever is more; the route fuzz, 25 per operation and
  caller (3,000 requests in all).

HYPOTHESIS_PROFILE names the profile. A test marked `model` takes its count from `examples(name)`; every
failure of one prints the run's seed and the command that replays it (tests/conftest.py).

`check` and `test` draw a fixed set: the same seed every run (FIXED_SEED), after replaying the failures the
example database (.hypothesis/) kept on this machine; a red make test is a change, never a lottery. `deep`
draws a new seed each run, and so explores.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILES = ("check", "test", "deep")
FIXED_SEED = 20261207  # the seed of the `check` and `test` profiles (any number: what matters is that it stays)
# What make test ran before the profiles: the floor of `deep` is 5x this, or 500.
BEFORE = {
    "booking_model": 200,  # tests/component/test_booking_model.py, over its runs together
    "settlement_model": 20,  # tests/component/test_screening_cancellation.py
    "reports_model": 12,  # tests/component/test_reports.py
    "moto_json_answers": 150,  # tests/component/test_moto_json_answers.py
    "route_fuzz": 4,  # tests/integration/test_fuzz.py, per operation and caller
    "tax_model": 20,  # tests/component/test_tax.py (new with issue 28: its count in make test, for the floor)
    "distributor_model": 10,  # tests/component/test_distributor_report.py (new with issue 28)
}
EXAMPLES = {
    "check": {
        "booking_model": 8,
        "settlement_model": 5,
        "reports_model": 3,
        "moto_json_answers": 30,
        "route_fuzz": 1,
        "tax_model": 3,
        "distributor_model": 2,
    },
    "test": {
        "booking_model": 80,
        "settlement_model": 20,
        "reports_model": 12,
        "moto_json_answers": 150,
        "route_fuzz": 4,
        "tax_model": 20,
        "distributor_model": 10,
    },
    "deep": {
        **{name: max(500, 5 * count) for name, count in BEFORE.items()},
        # Per operation and caller: ~120 of them make 3,000 requests in all (6x before). 500 each would be
        # 60,000 requests to the local stack, beyond CI's 90 minutes on their own (issue 27's closing note).
        "route_fuzz": 25,
    },
}
# A property test that names no count (none does today) gets the profile's own.
DEFAULT_EXAMPLES = {"check": 10, "test": 100, "deep": 500}


def profile() -> str:
    name = os.environ.get("HYPOTHESIS_PROFILE", "test")
    if name not in PROFILES:
        raise ValueError(f"HYPOTHESIS_PROFILE is {name!r}; it is one of {', '.join(PROFILES)}")
    return name


def fixed() -> bool:
    """Whether this run's profile draws the same examples every run."""
    return profile() != "deep"


def examples(test: str) -> int:
    """How many examples the test named in EXAMPLES runs under this run's profile."""
    return EXAMPLES[profile()][test]


def run_seed(offset: int) -> int:
    """The run's seed (tests/conftest.py), offset: for a test that runs several independent searches."""
    return int(os.environ["HYPOTHESIS_SEED"]) + offset


def register() -> None:
    """Every profile, and this run's loaded: failures print the blob that reproduces them.

    Each derives from Hypothesis's `default` profile, never from the one in force: where CI is set, that is
    Hypothesis's `ci` profile, whose derandomize would make every run draw the same examples whatever its seed."""
    for name in PROFILES:
        settings.register_profile(
            name,
            parent=settings.get_profile("default"),
            max_examples=DEFAULT_EXAMPLES[name],
            deadline=None,
            print_blob=True,
            derandomize=False,
        )
    settings.load_profile(profile())
