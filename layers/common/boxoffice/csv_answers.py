"""Reports as CSV when a client's Accept asks for it: one column per field, spreadsheet formulas defused."""

from __future__ import annotations

import csv
import io
from typing import Any

from aws_lambda_powertools.event_handler import Response


def _flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in row.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{name}."))
        elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
            # Rows of a breakdown (per tax rate): one column per row and amount, named by the row's other fields,
            # e.g. `tax.standard 7.0 EUR.net_cents`.
            for item in value:
                label = " ".join(str(field) for key, field in item.items() if not key.endswith("_cents"))
                amounts = {key: field for key, field in item.items() if key.endswith("_cents")}
                flat.update(_flat(amounts, f"{prefix}{name}.{label}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def as_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV, one column per field (nested ones as `revenue.EUR`), columns in first-seen order."""
    flat = [_flat(row) for row in rows]
    columns = list(dict.fromkeys(name for row in flat for name in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval=0, lineterminator="\r\n")
    writer.writeheader()
    for row in flat:
        # A cell a spreadsheet would run as a formula is written as text (CSV injection).
        writer.writerow({k: f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v for k, v in row.items()})
    return out.getvalue()


def report_response(accept: str | None, body: Any, rows: list[dict[str, Any]]) -> Any:
    """The report as JSON, or its rows as CSV when the client's Accept asks for text/csv."""
    if accept and "text/csv" in accept.lower():
        return Response(status_code=200, content_type="text/csv; charset=utf-8", body=as_csv(rows))
    return body
