"""`make run PARAMS=...` is checked against the template as `sam deploy --parameter-overrides` would be."""

from __future__ import annotations

import pytest

from local.stack import parse_parameters
from local.template import ParameterError


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("HoldSecond=30", "Parameters: [HoldSecond] do not exist in the template"),
        ("ActiveSigningKey=Red", "Parameter 'ActiveSigningKey' must be one of AllowedValues: Blue, Green"),
        ("HoldSeconds=abc", "Parameter 'HoldSeconds' must be a number, not 'abc'"),
        ("HoldSeconds=30.5", "Parameter 'HoldSeconds' must be a whole number, not '30.5'"),
        ("HoldSeconds=5", "Parameter 'HoldSeconds' must be a number not less than 10"),
        ("MaxChairsPerOrder=41", "Parameter 'MaxChairsPerOrder' must be a number not greater than 40"),
        ("Stage=test", "Parameter 'Stage' must be one of AllowedValues: local, dev, prod"),
        ("HoldSeconds", "Parameter 'HoldSeconds' is not Key=Value"),
    ],
)
def test_a_parameter_the_template_refuses_is_one_line(text, message):
    with pytest.raises(ParameterError) as refused:
        parse_parameters(text)
    assert str(refused.value) == message
    assert "\n" not in str(refused.value)


def test_good_parameters_pass():
    assert parse_parameters("HoldSeconds=30 ActiveSigningKey=Green") == {
        "HoldSeconds": "30",
        "ActiveSigningKey": "Green",
    }


def test_the_openapi_document_names_a_relative_server():
    import json

    from local.runtime import PROJECT_ROOT

    servers = json.loads((PROJECT_ROOT / "docs" / "openapi.json").read_text())["servers"]
    assert [server["url"] for server in servers] == ["/"], "Try it out calls whatever origin served the page"
