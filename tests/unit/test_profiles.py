"""The Hypothesis profiles keep their promise: a run's seed decides its examples, and a failing model test
prints that seed and the command that replays it (tests/conftest.py, tests/profiles.py)."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from local.runtime import PROJECT_ROOT

_runs = itertools.count()

PROBE = """
import os
import pytest
from hypothesis import given, settings, strategies as st


@pytest.mark.model
@settings(database=None, max_examples=5)
@given(st.integers())
def test_records_what_it_draws(number):
    with open(os.environ["PROBE_LOG"], "a") as log:
        log.write(f"{number}\\n")
    assert os.environ.get("PROBE_FAILS") != "1" or number == 0  # fails at the first number not 0: every run
"""


def run_probe(
    tmp_path: Path, seed: str | None, fails: bool = False, profile: str = "deep"
) -> tuple[subprocess.CompletedProcess[str], str]:
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE)
    log = tmp_path / f"drawn-{next(_runs)}.txt"
    environment = {
        **{name: value for name, value in os.environ.items() if name != "HYPOTHESIS_SEED"},
        "PROBE_LOG": str(log),
        "PROBE_FAILS": "1" if fails else "0",
        "HYPOTHESIS_PROFILE": profile,
        "CI": "true",  # as CI runs it: Hypothesis then loads its own `ci` profile unless ours say otherwise
        **({"HYPOTHESIS_SEED": seed} if seed else {}),
    }
    finished = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-n", "0", "-p", "no:cacheprovider", str(probe)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return finished, log.read_text() if log.exists() else ""


@pytest.mark.slow
def test_a_failing_model_test_prints_its_seed_and_a_command_that_replays_it(tmp_path):
    failed, drawn = run_probe(tmp_path, None, fails=True)
    assert failed.returncode == 1
    command = r"HYPOTHESIS_PROFILE=deep HYPOTHESIS_SEED=(\d+) \S+ -m pytest -n 0 \S+"
    replay = re.search(rf"seed (\d+): {command}", failed.stdout)
    assert replay and replay.group(1) == replay.group(2), failed.stdout
    assert f"hypothesis: profile 'deep', seed {replay.group(1)}" in failed.stdout
    # The printed seed replays the run: the same examples drawn, in the same order, and the same failure.
    replayed, drawn_again = run_probe(tmp_path, replay.group(1), fails=True)
    assert replayed.returncode == 1 and drawn_again == drawn
    # ...and the seed is what decides them: another draws others.
    _, drawn_otherwise = run_probe(tmp_path, str(int(replay.group(1)) + 1), fails=True)
    assert drawn_otherwise != drawn


@pytest.mark.slow
def test_make_test_draws_the_same_examples_every_run_and_deep_explores(tmp_path):
    first, drawn = run_probe(tmp_path, None, profile="test")
    again, drawn_again = run_probe(tmp_path, None, profile="test")
    assert first.returncode == again.returncode == 0
    assert drawn and drawn_again == drawn, "make test is a fixed set, not a lottery"
    assert "hypothesis: profile 'test', seed 20261207" in first.stdout
    _, explored = run_probe(tmp_path, None, profile="deep")
    _, explored_again = run_probe(tmp_path, None, profile="deep")
    assert explored != explored_again, "each deep run draws a seed of its own"
