"""Routes are declared once, beside their handlers; everything else about them is derived and kept current."""

import json
import re

from tests.component.test_permission_matrix import template_routes
from tools.generate_events import EVENTS_DIR
from tools.generated import render_json
from tools.openapi import DOCUMENT, ROUTE_TABLE, _load_routers, api_functions, build, route_table


def test_routers_template_route_table_openapi_and_sample_events_agree():
    """One test, naming what differs: each template function's router declares exactly its template route, and
    the route table, the OpenAPI document and the sample events are what the declarations make."""
    routers = _load_routers()
    differences = []
    for (code_uri, module, route), router in zip(api_functions(), routers, strict=True):
        declared = sorted(router.declarations)
        if declared != [route]:
            differences.append(f"{code_uri}{module}.py declares {declared}, template.yaml routes {route!r} to it")
    table = route_table(routers)
    if set(table) != set(template_routes()):
        differences.append(f"routes.json vs template: {sorted(set(table) ^ set(template_routes()))}")
    if ROUTE_TABLE.read_text() != render_json(table):
        differences.append("layers/common/boxoffice/routes.json is stale: run `make generated`")
    document = build(routers)
    if DOCUMENT.read_text() != render_json(document):
        differences.append("docs/openapi.json is stale: run `make generated`")
    documented = {f"{method.upper()} {path}" for path, operations in document["paths"].items() for method in operations}
    if documented != set(template_routes()):
        differences.append(f"OpenAPI vs template: {sorted(documented ^ set(template_routes()))}")
    sampled = {json.loads(path.read_text()).get("routeKey") for path in EVENTS_DIR.glob("*.json")} - {None}
    if not set(template_routes()) <= sampled:
        differences.append(f"routes without a sample event: {sorted(set(template_routes()) - sampled)}")
    assert not differences, "\n".join(differences)


def test_every_template_route_is_documented_with_its_permission_and_errors():
    document = build(_load_routers())
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


def test_every_reference_in_the_document_resolves_so_a_client_can_be_generated_from_it():
    """The web app's client is generated from docs/openapi.json (openapi-typescript refuses a dangling $ref)."""
    text = DOCUMENT.read_text()
    schemas = json.loads(text)["components"]["schemas"]
    referenced = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text))
    assert referenced <= set(schemas), sorted(referenced - set(schemas))
