"""make mutate: mutation testing of the layer's critical modules with mutmut, resumable, and its report.

mutmut 3 names a mutant by its file's path from where it runs (boxoffice/booking/orders.py ->
boxoffice.booking.orders) and only applies a mutant whose name is the running function's module, so it runs in
.mutate/: a copy of the project with the layer's package at its root. The functions the tests invoke read the
layer from there too (BOXOFFICE_LAYER_DIR, local/runtime.py). mutmut keeps its results in .mutate/mutants/, so
a second run retests only what changed; `--fresh` starts over.

The report (benchmarks/mutation.md): mutants per module, killed, survived, and every survivor named, each
either to be killed by a test or listed in EQUIVALENT with why no test can tell it from the original.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from mutmut.__main__ import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = ROOT / ".mutate"
REPORT = ROOT / "benchmarks" / "mutation.md"
# What the unit and component tests read besides the code (the layer's package is copied to the root as well).
COPIED = [
    *("functions", "layers", "local", "tools", "tests", "docs", "benchmarks"),
    *("template.yaml", "samconfig.toml", "pyproject.toml", "uv.lock", "Makefile", "README.md"),
    *("requirements-run.txt", "requirements-dev.txt"),
]
SKIPPED = {"__pycache__", ".hypothesis", ".pytest_cache", ".work"}
# mutmut's statuses (its own table of exit codes, boxoffice's names for the report's columns).
KILLED, SURVIVED, NO_TESTS, TIMEOUT, NOT_RUN = "killed", "survived", "no tests", "timeout", "not checked"

# Survivors no test can kill, because the mutant behaves as the original does; each with why.
EQUIVALENT: dict[str, str] = {}

# The five survivors of the audit at 5263af1 (issue 34), each with the test that now kills it.
AUDIT_SURVIVORS = [
    (
        "edge/rs256.py: `encoded.endswith(digest_info)` for the whole-block comparison",
        "tests/unit/test_edge.py::test_a_block_with_the_right_digest_but_bad_padding_is_refused, "
        "::test_the_e3_forgery_needs_no_private_key_and_is_refused",
    ),
    (
        'booking/sweeper.py: the expiry\'s condition replaced by "the order exists"',
        "tests/component/test_booking.py::test_a_payment_landing_between_the_sweepers_listing_and_its_write_stays_paid",
    ),
    (
        'payments/settlement.py: settled without "nothing left to settle"',
        "tests/component/test_screening_cancellation.py::"
        "test_a_screening_is_not_settled_while_the_provider_is_down_and_is_once_it_returns, "
        "::test_a_run_that_runs_out_of_time_leaves_the_screening_pending_for_the_next",
    ),
    (
        'events/webhooks.py: a delivery saved without its "not yet" condition',
        "tests/component/test_webhooks.py::test_a_subscribed_event_is_delivered_once_signed_and_the_secret_is_"
        "shown_only_at_creation (the bus now hands each event over twice)",
    ),
    (
        "events/once.py: the once-mark without its condition (the reports consumer)",
        "tests/component/test_events.py::test_a_relay_that_crashes_after_putting_events_on_the_bus_logs_each_once_"
        "and_reports_count_each_once (the crash hits the order batch)",
    ),
]


def _sync(source: Path, target: Path) -> None:
    """Make `target` a copy of `source`, touching only files that differ (mutmut resumes by what changed)."""
    if source.is_file():
        if not target.exists() or not filecmp.cmp(source, target, shallow=False):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        return
    target.mkdir(parents=True, exist_ok=True)
    wanted = {path.name for path in source.iterdir() if path.name not in SKIPPED}
    for stale in [path for path in target.iterdir() if path.name not in wanted]:
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
    for name in sorted(wanted):
        _sync(source / name, target / name)


def prepare(fresh: bool) -> None:
    if fresh and WORKSPACE.exists():
        shutil.rmtree(WORKSPACE)
    WORKSPACE.mkdir(exist_ok=True)
    for name in COPIED:
        _sync(ROOT / name, WORKSPACE / name)
    _sync(ROOT / "layers" / "common" / "boxoffice", WORKSPACE / "boxoffice")


def run(children: int) -> float:
    environment = {
        **os.environ,
        "BOXOFFICE_LAYER_DIR": ".",  # from mutmut's copy of the project: its mutated boxoffice/
        "HYPOTHESIS_PROFILE": "check",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    started = time.monotonic()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "mutmut"), "run", "--max-children", str(children)],
        cwd=WORKSPACE,
        env=environment,
        check=False,
    )
    return time.monotonic() - started


def results() -> dict[str, dict[str, str]]:
    """Every mutant's status, by module: mutmut's .meta files (one per mutated source file)."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for meta in sorted((WORKSPACE / "mutants" / "boxoffice").rglob("*.py.meta")):
        module = ".".join(meta.relative_to(WORKSPACE / "mutants").with_suffix("").with_suffix("").parts)
        exit_codes = json.loads(meta.read_text()).get("exit_code_by_key", {})
        for mutant, code in exit_codes.items():
            found[module][mutant] = status_by_exit_code[code]
    return found


def _other(counts: Counter[str]) -> int:
    """Mutants of another status (suspicious, segfault, skipped, caught by the type check)."""
    return sum(
        n for status, n in counts.items() if status not in (KILLED, SURVIVED, TIMEOUT, NO_TESTS, NOT_RUN, "mutants")
    )


def report(found: dict[str, dict[str, str]], seconds: float | None) -> str:
    lines = [
        "# Mutation testing (make mutate)",
        "",
        "mutmut 3 over the layer's critical modules, each mutant tested by the unit and component tests that",
        "reach it (not the model-based, slow, browser or integration tests); see tools/mutate.py.",
        "The score is killed (timeouts included) of the mutants checked so far; a run stopped early leaves the rest",
        "`not checked`, and `make mutate` goes on from there.",
        "",
        "| module | mutants | killed | survived | timeout | no tests | not checked | other | score |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    totals: Counter[str] = Counter()
    survivors = []
    for module, mutants in sorted(found.items()):
        counts = Counter(mutants.values())
        totals.update(counts)
        totals["mutants"] += len(mutants)
        caught = counts[KILLED] + counts[TIMEOUT]
        checked = len(mutants) - counts[NOT_RUN]
        score = f"{100 * caught / checked:.1f} %" if checked else "-"
        lines.append(
            f"| `{module}` | {len(mutants)} | {counts[KILLED]} | {counts[SURVIVED]} | {counts[TIMEOUT]} "
            f"| {counts[NO_TESTS]} | {counts[NOT_RUN]} | {_other(counts)} | {score} |"
        )
        survivors += [name for name, status in mutants.items() if status in (SURVIVED, NO_TESTS)]
    caught = totals[KILLED] + totals[TIMEOUT]
    lines.append(
        f"| **all** | {totals['mutants']} | {totals[KILLED]} | {totals[SURVIVED]} | {totals[TIMEOUT]} "
        f"| {totals[NO_TESTS]} | {totals[NOT_RUN]} | {_other(totals)} "
        f"| {100 * caught / max(1, totals['mutants'] - totals[NOT_RUN]):.1f} % |"
    )
    lines += ["", f"Run time: {seconds / 60:.1f} minutes." if seconds is not None else "", ""]
    lines += ["## The audit's five survivors (issue 34), and the tests that kill them now", ""]
    lines += [f"- {mutant}: {test}" for mutant, test in AUDIT_SURVIVORS] + [""]
    lines += ["## Equivalent survivors", ""]
    lines += [f"- `{name}`: {why}" for name, why in sorted(EQUIVALENT.items()) if name in survivors] or ["None."]
    lines += ["", "## Survivors to kill", ""]
    lines += [f"- `{name}`" for name in sorted(survivors) if name not in EQUIVALENT] or ["None."]
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="forget the previous run's results")
    parser.add_argument("--report-only", action="store_true", help="write the report from the last run")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    arguments = parser.parse_args()
    seconds = None
    if not arguments.report_only:
        prepare(arguments.fresh)
        seconds = run(arguments.children)
    found = results()
    if not found:
        print("make mutate: no results (did mutmut run?)", file=sys.stderr)
        return 1
    REPORT.write_text(report(found, seconds))
    print(REPORT.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
