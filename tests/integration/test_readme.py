"""The README's booking walk-through works verbatim against `make run`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from local.runtime import PROJECT_ROOT
from tests.integration.conftest import start_local_stack

pytestmark = pytest.mark.integration


def walkthrough() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text()
    match = re.search(r"<!-- walkthrough -->\s*```sh\n(.*?)```", readme, re.DOTALL)
    assert match, "README.md has no walk-through block"
    return match.group(1)


@pytest.fixture
def fresh_stack():
    """A stack of its own: as a reader would have it right after `make run`."""
    stack = start_local_stack()
    yield stack
    assert stack.stop() == 0, stack.log()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the walk-through uses curl")
def test_the_readme_walkthrough_books_pays_and_refunds(fresh_stack):
    finished = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", walkthrough()],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "API": fresh_stack.url},
    )
    assert finished.returncode == 0, finished.stderr + finished.stdout
    answers = [json.loads(line) for line in finished.stdout.splitlines() if line.startswith("{")]
    held, paid, read, refunded = answers
    assert held["status"] == "HELD" and len(held["chairs"]) == 2
    assert paid["status"] == "PAID" and len(paid["tickets"]) == 2
    assert read == paid
    assert refunded["status"] == "REFUNDED"
