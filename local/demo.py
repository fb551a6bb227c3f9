"""Demo data for `make run`: an administrator, a customer, a hall, a movie and a screening."""

from __future__ import annotations

from local.runtime import FunctionSpec


def load(functions: dict[str, FunctionSpec]) -> list[tuple[str, str, str]]:
    """Load the demo data; the logins to print, as (role, username, password)."""
    return []
