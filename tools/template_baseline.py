"""A fingerprint of every resource the stack deploys, to show that a rewrite of template.yaml lost nothing.

`python -m tools.template_baseline` writes tests/unit/template_baseline.json from
the template as deployed (ForEach expanded, SAM transform run: roles and their
policies, permissions, environments, alarms). tests/unit/test_template_baseline.py
compares today's template with it. Regenerate it only when a change to the
stack is meant, and say in the commit what changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from local.template import TEMPLATE_PATH, translated_template

BASELINE_PATH = Path(__file__).resolve().parents[1] / "tests" / "unit" / "template_baseline.json"
SECTIONS = ("Parameters", "Conditions", "Resources", "Outputs")
# A function description that only repeats its route ("GET /movies") was dropped
# from the template on purpose: the route is written once, in the function's event.
_ROUTE_ONLY = re.compile(r"(GET|POST|PUT|DELETE|PATCH) /\S*")


# The default venue's parameters reach every function (Globals, issue 28): compared away, as they are
# everywhere and on purpose; what else a function's environment holds is still compared.
_EVERYWHERE = {"DEFAULT_TIMEZONE", "DEFAULT_CURRENCY", "DEFAULT_TAX_PERCENT"}


def _without_everywhere(body: dict[str, Any]) -> dict[str, Any]:
    variables = body.get("Properties", {}).get("Environment", {}).get("Variables")
    if body.get("Type") != "AWS::Lambda::Function" or not isinstance(variables, dict):
        return body
    body = json.loads(json.dumps(body))
    for name in _EVERYWHERE:
        body["Properties"]["Environment"]["Variables"].pop(name, None)
    return body


def _compared(body: dict[str, Any]) -> dict[str, Any]:
    body = _without_everywhere(body)
    description = body.get("Properties", {}).get("Description")
    if (
        body.get("Type") == "AWS::Lambda::Function"
        and isinstance(description, str)
        and _ROUTE_ONLY.fullmatch(description)
    ):
        body = {**body, "Properties": {k: v for k, v in body["Properties"].items() if k != "Description"}}
    return body


def fingerprints(path: Path = TEMPLATE_PATH) -> dict[str, dict[str, str]]:
    """Section -> logical id -> a digest of what is deployed under that id."""
    template: dict[str, Any] = translated_template(path)
    return {section: _digests(template.get(section, {})) for section in SECTIONS}


def _digest(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def _digests(section: dict[str, Any]) -> dict[str, str]:
    """One digest per entry; each route of the HTTP API (method and path) gets its own, so that adding a route
    adds an entry and leaves the API's other entries as they were."""
    digests = {}
    for logical_id, body in section.items():
        body = _compared(body)
        paths = body.get("Properties", {}).get("Body", {}).get("paths") if isinstance(body, dict) else None
        if isinstance(paths, dict):
            for path, operations in paths.items():
                for method, operation in operations.items():
                    digests[f"{logical_id} {method.upper()} {path}"] = _digest(operation)
            body = json.loads(json.dumps(body))
            del body["Properties"]["Body"]["paths"]
        digests[logical_id] = _digest(body)
    return dict(sorted(digests.items()))


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH
    BASELINE_PATH.write_text(json.dumps(fingerprints(source), indent=1, sort_keys=True) + "\n")
    print(f"wrote {BASELINE_PATH.relative_to(Path.cwd())} from {source}")
