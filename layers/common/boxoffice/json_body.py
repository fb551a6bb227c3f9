"""What a JSON request body may be: parsed once, within limits, before anything else reads it.

A 1,000-deep array or a 5,000-digit number would make a parser raise (a 5xx); within `JSON_LIMITS` every body
this API takes fits with room to spare. Every refusal is a 422 in the shared error shape (boxoffice.errors).
"""

from __future__ import annotations

import json
from typing import Any

from boxoffice.errors import Invalid

# What a JSON body may hold (documented in README "Limits"): generous for every body this API takes.
JSON_LIMITS = {"depth": 16, "string_chars": 8192, "array_items": 1000, "object_keys": 100, "number_chars": 32}


def refuse_json(message: str) -> Invalid:
    return Invalid(
        "The body is not JSON this API accepts",
        code="VALIDATION_FAILED",
        details={"errors": [{"location": "body", "message": message}]},
    )


def _bounded_number(text: str) -> Any:
    if len(text) > JSON_LIMITS["number_chars"]:
        raise refuse_json(f"a number longer than {JSON_LIMITS['number_chars']} characters")
    return float(text) if any(mark in text for mark in ".eE") else int(text)


def _no_constant(name: str) -> Any:
    raise refuse_json(f"{name} is not JSON")


def _check_json_shape(value: Any) -> None:
    """Depth, string, array and object sizes, walked without recursion."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if len(item) > JSON_LIMITS["string_chars"]:
                raise refuse_json(f"a string longer than {JSON_LIMITS['string_chars']} characters")
            continue
        if not isinstance(item, list | dict):
            continue
        if depth > JSON_LIMITS["depth"]:
            raise refuse_json(f"nested deeper than {JSON_LIMITS['depth']} levels")
        if isinstance(item, list):
            if len(item) > JSON_LIMITS["array_items"]:
                raise refuse_json(f"an array of more than {JSON_LIMITS['array_items']} items")
            pending.extend((child, depth + 1) for child in item)
        else:
            if len(item) > JSON_LIMITS["object_keys"]:
                raise refuse_json(f"an object of more than {JSON_LIMITS['object_keys']} members")
            pending.extend((key, depth + 1) for key in item)
            pending.extend((child, depth + 1) for child in item.values())


def check_json_body(text: str) -> None:
    """Refuse (422) a body that is not JSON, or is JSON beyond JSON_LIMITS; never raise anything else."""
    try:
        parsed = json.loads(text, parse_int=_bounded_number, parse_float=_bounded_number, parse_constant=_no_constant)
    except RecursionError:
        raise refuse_json(f"nested deeper than {JSON_LIMITS['depth']} levels") from None
    except ValueError:
        raise refuse_json("not valid JSON") from None
    _check_json_shape(parsed)
