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


_DEVELOPERS_KEYS = {
    "AWS_ACCESS_KEY_ID": "AKIADEVELOPER",
    "AWS_SECRET_ACCESS_KEY": "developer-secret",
    "AWS_SESSION_TOKEN": "t0k",
}


@pytest.mark.parametrize(
    ("shell", "unset"),
    [
        (_DEVELOPERS_KEYS, ()),
        ({"AWS_ACCESS_KEY_ID": "AKIADEVELOPER"}, ("AWS_SECRET_ACCESS_KEY",)),  # botocore refuses half a pair
        ({"AWS_PROFILE": "no-such-profile"}, ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")),
    ],
    ids=["a developer's keys", "half a key pair", "a missing profile"],
)
def test_local_functions_get_stand_in_credentials_whatever_the_shell_has(monkeypatch, shell, unset):
    """`make run` needs no AWS account: the shell's credentials neither reach a function nor stop the stack."""
    from local.inprocess import key_ids
    from local.template import local_table_names, resolve

    for name, value in shell.items():
        monkeypatch.setenv(name, value)
    for name in unset:
        monkeypatch.delenv(name)
    stack = resolve({}, {**local_table_names(), **{logical_id: "local-key" for logical_id in key_ids()}})
    for spec in stack.functions.values():
        assert (spec.environment["AWS_ACCESS_KEY_ID"], spec.environment["AWS_SECRET_ACCESS_KEY"]) == ("local", "local")
        assert "AWS_SESSION_TOKEN" not in spec.environment
        assert not set(_DEVELOPERS_KEYS.values()) & set(spec.environment.values())
