"""Demo data for `make run`: an administrator, a customer, a hall, a movie and a screening.

The loader runs in the same in-process runtime as the functions, with the
union of their environments, so it writes through the real domain code.
"""

from __future__ import annotations

import os

from local.runtime import PROJECT_ROOT, FunctionSpec, InProcessRuntime

DEFAULT_ADMIN_PASSWORD = "boxoffice-admin-local"  # noqa: S105  # local-only, printed in the banner
DEMO_PASSWORD = "boxoffice-demo-local"  # noqa: S105


def load(functions: dict[str, FunctionSpec]) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Load the demo data; the ids it made, and the logins to print as (role, username, password)."""
    loaded = _run_with_every_table(
        functions, "demo_seed", {"admin_password": _admin_password(), "demo_password": DEMO_PASSWORD}
    )
    return loaded, logins()


def migrate(functions: dict[str, FunctionSpec]) -> dict[str, int]:
    """Data kept from an older `make run` moved into the default venue (boxoffice.venues.migration): what moved."""
    return _run_with_every_table(functions, "migrate_local", {})


def _run_with_every_table(functions: dict[str, FunctionSpec], module: str, event: dict[str, str]) -> dict:
    """Run local/<module>.py's handler as a function that has every function's environment (every table)."""
    environment: dict[str, str] = {}
    for spec in functions.values():
        environment.update(spec.environment)
    any_spec = next(iter(functions.values()))
    spec = FunctionSpec(
        logical_id=module,
        handler=f"{module}.lambda_handler",
        code_dir=PROJECT_ROOT / "local",
        layer_dirs=any_spec.layer_dirs,
        environment=environment,
        timeout_seconds=600,
    )
    return InProcessRuntime({module: spec}).invoke(module, event)


def _admin_password() -> str:
    return os.environ.get("BOXOFFICE_ADMIN_PASSWORD") or DEFAULT_ADMIN_PASSWORD


def logins() -> list[tuple[str, str, str]]:
    """The demo logins to print, as (role, username, password) (as first made: restored data keeps them)."""
    return [("administrator", "admin", _admin_password()), ("customer", "demo", DEMO_PASSWORD)]
