"""tests/events holds one sample event per function, generated from the template and kept current."""

from tools.generate_events import EVENTS_DIR, events
from tools.generated import render_json


def test_every_function_has_a_current_sample_event():
    expected = {f"{logical_id}.json": render_json(event) for logical_id, event in events().items()}
    on_disk = {path.name: path.read_text() for path in EVENTS_DIR.glob("*.json")}
    assert on_disk == expected, "tests/events is out of date: run `make events`"
