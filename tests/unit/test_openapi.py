"""docs/openapi.json is generated from the functions and kept current, and covers every route."""

from tests.component.test_permission_matrix import template_routes
from tools.generated import render_json
from tools.openapi import DOCUMENT, api_functions, build


def test_the_document_is_up_to_date():
    assert DOCUMENT.read_text() == render_json(build()), "docs/openapi.json is out of date: run `make openapi`"


def test_every_template_route_is_documented_with_its_permission_and_errors():
    document = build()
    documented = {f"{method.upper()} {path}" for path, operations in document["paths"].items() for method in operations}
    assert documented == set(template_routes())
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "422" in operation["responses"], (method, path)
            assert "security" in operation, (method, path)
            if operation["security"]:
                assert {"401", "403"} <= set(operation["responses"]), (method, path)
                assert "x-permissions" in operation, (method, path)


def test_handler_modules_have_unique_names_across_function_folders():
    modules = [module for _, module, _ in api_functions()]
    assert len(modules) == len(set(modules))
