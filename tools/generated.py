"""Files generated from the code (docs/openapi.json, tests/events/): written, or checked to be current."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from local.template import PROJECT_ROOT


def render_json(document: Any) -> str:
    """The one text of a generated JSON file: sorted keys, two-space indent, a final newline."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def write_or_check(
    description: str,
    what: str,
    command: str,
    expected: Callable[[], dict[Path, str]],
    owned: Callable[[], Iterable[Path]] = tuple,
) -> int:
    """The command line of a generator: write `expected`, or with --check fail if any file differs.

    `owned` lists the files already there that the generator is responsible for: one it
    would no longer write is stale too (and deleted when writing).
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="fail if the files are out of date; write nothing")
    arguments = parser.parse_args()
    files = expected()
    leftover = [path for path in owned() if path not in files]
    if arguments.check:
        stale = [path for path, text in files.items() if not path.exists() or path.read_text() != text]
        if stale or leftover:
            names = sorted(str(path.relative_to(PROJECT_ROOT)) for path in stale + leftover)
            print(f"{what} is out of date (run `{command}`): {names}", file=sys.stderr)
            return 1
        return 0
    for path in leftover:
        path.unlink()
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"wrote {len(files)} file(s) to {what}")
    return 0
