"""docs/events/<DetailType>.v<N>.json: the JSON schema of each domain event's detail, from boxoffice.events.kinds.

python -m tools.event_schemas          # write (make generated)
python -m tools.event_schemas --check  # fail if any is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from local.runtime import PROJECT_ROOT
from tools.generated import render_json, write_or_check

EVENTS_DOCS = PROJECT_ROOT / "docs" / "events"


def generated() -> dict[Path, str]:
    sys.path.insert(0, str(PROJECT_ROOT / "layers" / "common"))
    from boxoffice.events.derive import SOURCE
    from boxoffice.events.kinds import KINDS, SCHEMA_VERSION

    files = {}
    for detail_type, model in sorted(KINDS.items()):
        schema = model.model_json_schema()
        schema.update(
            {
                "$id": f"boxoffice/events/{detail_type}.v{SCHEMA_VERSION}.json",
                "title": detail_type,
                "description": f"The detail of an EventBridge event with source {SOURCE!r} and detail-type "
                f"{detail_type!r}, schema version {SCHEMA_VERSION}.",
            }
        )
        files[EVENTS_DOCS / f"{detail_type}.v{SCHEMA_VERSION}.json"] = render_json(schema)
    return files


def check_schemas() -> list[str]:
    """The schema files that differ from what the code publishes (empty: all current)."""
    expected = generated()
    stale = [path for path, text in expected.items() if not path.exists() or path.read_text() != text]
    leftover = [path for path in EVENTS_DOCS.glob("*.json") if path not in expected]
    return sorted(path.name for path in stale + leftover)


def main() -> int:
    return write_or_check(
        __doc__.splitlines()[0], "docs/events", "make generated", generated, lambda: EVENTS_DOCS.glob("*.json")
    )


if __name__ == "__main__":
    sys.exit(main())
