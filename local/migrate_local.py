"""Runs inside the local runtime with every table of the stack: moves data kept from an older `make run` into the
default venue, as `make migrate` does for a deployed stack."""

from __future__ import annotations

from typing import Any

from boxoffice.venues import migration


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    return migration.run().counts
