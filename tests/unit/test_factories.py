"""The shared factories say what the code says."""

from boxoffice import permissions
from tools import factories


def test_the_customer_context_carries_exactly_the_default_customer_permissions():
    assert set(factories.CUSTOMER_PERMISSIONS.split()) == permissions.DEFAULT_CUSTOMER_PERMISSIONS
    assert set(factories.customer_context()["permissions"].split()) == permissions.DEFAULT_CUSTOMER_PERMISSIONS


def test_every_factory_permission_is_a_permission():
    for names in (factories.STAFF_PERMISSIONS, factories.MANAGER_PERMISSIONS):
        assert set(names.split()) <= permissions.ALL_PERMISSIONS


def test_rows_are_labelled_like_a_spreadsheet():
    assert [factories.row_label(index) for index in (0, 1, 25, 26, 27, 51, 52)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
    ]
