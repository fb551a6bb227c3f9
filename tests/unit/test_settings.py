"""Settings: read from the environment once, checked, and never guessed."""

import pytest

from boxoffice.errors import ConfigurationError
from boxoffice.settings import Settings


def test_defaults_and_overrides():
    settings = Settings.from_environ({"HOLD_SECONDS": "30", "AWS_DEFAULT_REGION": "eu-west-1", "ORDERS_TABLE": "o"})
    assert settings.hold_seconds == 30 and settings.region == "eu-west-1"
    assert settings.max_chairs_per_order == 10
    assert settings.table("orders") == "o"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("HOLD_SECONDS", "5"), ("HOLD_SECONDS", "ten"), ("STAGE", "staging"), ("MAX_CHAIRS_PER_ORDER", "0")],
)
def test_a_bad_value_is_a_clear_configuration_error(variable, value):
    with pytest.raises(ConfigurationError, match=variable):
        Settings.from_environ({variable: value})


def test_a_table_the_function_was_not_given_is_an_error_not_a_guess():
    with pytest.raises(ConfigurationError, match="CHAIRS_TABLE"):
        Settings.from_environ({}).table("chairs")


def test_the_local_endpoint_is_only_used_in_the_local_stage():
    assert Settings.from_environ({"STAGE": "local", "LOCAL_AWS_ENDPOINT": "http://x"}).aws_endpoint == "http://x"
    assert Settings.from_environ({"STAGE": "prod", "LOCAL_AWS_ENDPOINT": "http://x"}).aws_endpoint is None
