"""The commit every "before" figure of `make bench` comes from, checked out beside this one."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from local.runtime import PROJECT_ROOT

# The last commit before issue 13 (the authorizer with PyJWT and botocore, ALL-projected order indexes).
BEFORE_COMMIT = "cedd4ad"


@contextmanager
def checkout(commit: str = BEFORE_COMMIT) -> Iterator[Path | None]:
    """A `git worktree` of `commit` for the block, removed after it; None where git cannot make one."""
    with tempfile.TemporaryDirectory() as scratch:
        worktree = Path(scratch) / "before"
        added = subprocess.run(
            ["git", "worktree", "add", "--detach", str(worktree), commit],
            cwd=PROJECT_ROOT,
            capture_output=True,
            check=False,
        )
        if added.returncode != 0:
            yield None
            return
        try:
            yield worktree
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=PROJECT_ROOT, check=False)
