"""docs/openapi.json and the authorizer's route table, from the functions' own route declarations.

Every API function of template.yaml is imported, its router joins one
resolver, and Powertools writes the document from the routes and their
pydantic models. Then what each route declared beside its handler (what it
`needs`, the `answers` it gives) is added: the bearer scheme, `x-permissions`, `x-revocation`,
and the error answers in the shared error shape. The same declarations become
layers/common/boxoffice/routes.json, the table the authorizer decides by.

    python -m tools.openapi          # write both (make generated)
    python -m tools.openapi --check  # fail if either is out of date
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from typing import Any

from local.runtime import PROJECT_ROOT
from local.template import resources_of_type
from tools.generated import render_json, write_or_check

DOCUMENT = PROJECT_ROOT / "docs" / "openapi.json"
ROUTE_TABLE = PROJECT_ROOT / "layers" / "common" / "boxoffice" / "routes.json"
TITLE = "Boxoffice API"
VERSION = "1.0.0"
DESCRIPTION = (
    "A cinema back end: a catalog of movies, halls and screenings, members and their subscriptions; chairs held "
    "exclusively for a while, then paid once with the hold's confirmation id; staff accounts with permissions.\n\n"
    "Authenticate with `POST /auth/login` and send `Authorization: Bearer <access_token>`. Each operation names "
    "the permission it needs (`x-permissions`), which the route's function checks (403 `FORBIDDEN`). Errors "
    "share one shape: `{code, message, details}`; only API Gateway's own refusals (a 401 from the authorizer, "
    "before a function runs) are `{message}`."
)

_GENERIC = {
    400: "The request is malformed",
    401: "No valid access token",
    402: "The payment was declined",
    403: "The token's permissions do not allow this",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "The body is larger than 64 KiB",
    415: "The body is not JSON",
    422: "The request is not valid (VALIDATION_FAILED naming each field, UNKNOWN_PARAMETER, or INVALID_CURSOR)",
    429: "Too many requests: slow down (Retry-After)",
    502: "A dependency failed",
    503: "A dependency failed for a moment; nothing was half done, retry (Retry-After)",
}


def api_functions() -> list[tuple[str, str, str]]:
    """(code directory, handler module, route key) of every API function of the template."""
    found = []
    for resource in resources_of_type("AWS::Serverless::Function").values():
        properties = resource["Properties"]
        for event in (properties.get("Events") or {}).values():
            if event["Type"] == "HttpApi":
                route = f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}"
                found.append((properties["CodeUri"], properties["Handler"].rsplit(".", 1)[0], route))
    return sorted(found, key=lambda item: item[2])


def _load_routers() -> list[Any]:
    paths = [str(PROJECT_ROOT / "layers" / "common")]
    paths += sorted({str(PROJECT_ROOT / code_uri) for code_uri, _, _ in api_functions()})
    sys.path[:0] = [path for path in paths if path not in sys.path]
    return [importlib.import_module(module).router for _, module, _ in api_functions()]


# The code a generic answer carries (boxoffice.errors and boxoffice.faults).
_GENERIC_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    402: "PAYMENT_DECLINED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_FAILED",
    429: "THROTTLED",
    502: "UPSTREAM_FAILED",
    503: "SERVICE_UNAVAILABLE",
}
_CODE = re.compile(r"\b[A-Z][A-Z_]{3,}\b")
# The authorizer says who is calling (401 when no one); what a route allows, its function says (403, our shape).
_GATEWAY_MESSAGES = {401: "Unauthorized"}


def _schema(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_answer(status: int, meaning: str, needed: Any, route_declared: bool) -> dict[str, Any]:
    """An error answer's content: the shared shape with this route's own code as the example; for a 401 of a
    protected route, API Gateway's own `{message}` (the authorizer refused) or the shared shape (the function
    refused a token past its exp)."""
    found = _CODE.search(meaning) if route_declared else None
    example = {
        "code": found.group(0) if found else _GENERIC_CODES.get(status, "ERROR"),
        "message": meaning,
        "details": {},
    }
    gateway = status in _GATEWAY_MESSAGES and needed != "public"
    if not gateway:
        return {"application/json": {"schema": _schema("Error"), "example": example}}
    gateway_example = {"message": _GATEWAY_MESSAGES[status]}
    return {
        "application/json": {
            "schema": {"oneOf": [_schema("Error"), _schema("GatewayError")]},
            "examples": {"route": {"value": example}, "gateway": {"value": gateway_example}},
        }
    }


def declarations(routers: list[Any]) -> dict[str, Any]:
    """Every route's declaration (boxoffice.http.RouteDeclaration) by route key."""
    return {route: declared for router in routers for route, declared in router.declarations.items()}


def route_table(routers: list[Any]) -> dict[str, Any]:
    """routes.json: route key -> "public", "authenticated", or the permissions any one of which allows it."""
    return {
        route: declared.needs if isinstance(declared.needs, str) else sorted(declared.needs)
        for route, declared in sorted(declarations(routers).items())
    }


def _csv_or_json(operation: dict[str, Any]) -> None:
    """A report route returns its model, or a string when the client asked for CSV
    (boxoffice.csv_answers.report_response): say so as two media types of the one 200 answer, not as a JSON value
    that is an object or a string."""
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    choices = schema.get("anyOf", [])
    models = [choice for choice in choices if "$ref" in choice]
    if len(choices) == 2 and len(models) == 1 and {"type": "string"} in choices:
        content["application/json"]["schema"] = models[0]
        content["text/csv"] = {"schema": {"type": "string", "description": "The report's rows, one column per field"}}


def build(routers: list[Any]) -> dict[str, Any]:
    from boxoffice import http, permissions
    from boxoffice.http import create_app

    declared_routes = declarations(routers)

    app = create_app(*routers)
    document = json.loads(
        app.get_openapi_json_schema(
            title=TITLE,
            version=VERSION,
            description=DESCRIPTION,
            # Relative: Swagger UI's "Try it out" calls the origin that served it, whatever PORT is.
            servers=[{"url": "/", "description": "where this document is served from (make run: /openapi.json)"}],
        )
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    # Powertools' validation answers are ours in the Error shape; its own schemas for them are unused (and
    # ResponseValidationError would point at the ValidationError removed here: a generated client refuses that).
    for unused in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(unused, None)
    schemas["Error"] = {
        "type": "object",
        "required": ["code", "message", "details"],
        "properties": {
            "code": {"type": "string", "description": "What went wrong, for programs: each answer shows its own"},
            "message": {"type": "string"},
            "details": {"type": "object"},
        },
    }
    schemas["GatewayError"] = {
        "type": "object",
        "required": ["message"],
        "properties": {"message": {"type": "string", "example": "Unauthorized"}},
        # Exactly API Gateway's shape, so an answer is one or the other (oneOf), never both.
        "additionalProperties": False,
    }
    document["components"]["securitySchemes"] = {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from POST /auth/login (or a configured Cognito pool)",
        },
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            route = f"{method.upper()} {path}"
            _csv_or_json(operation)
            needed = declared_routes[route].needs
            route_answers = declared_routes[route].answers
            answers = operation.setdefault("responses", {})
            has_body = "requestBody" in operation
            statuses = {422, 429, 503, *route_answers}
            if has_body:
                statuses |= {413, 415}
            if needed == permissions.PUBLIC:
                operation["security"] = []
            else:
                operation["security"] = [{"bearerAuth": []}]
                statuses |= {401, 403}
                names = [] if needed == permissions.AUTHENTICATED else sorted(needed)
                operation["x-permissions"] = names
                need = "any valid token" if not names else " or ".join(f"`{name}`" for name in names)
                operation["description"] = (operation.get("description", "") + f"\n\nNeeds: {need}.").strip()
                recheck = declared_routes[route].recheck_account
                if recheck is not None:
                    who = "" if recheck == http.ALWAYS else f" (for callers holding `{recheck}`)"
                    operation["x-revocation"] = "next-request" if recheck == http.ALWAYS else f"next-request:{recheck}"
                    operation["description"] += (
                        f"\n\nRevocation{who}: a signed-out token, a changed password, a disabled account or a "
                        "removed permission is refused at the next request, not only once the authorizer's cache "
                        "time has passed."
                    )
            for status in sorted(statuses):
                meaning = route_answers.get(status, _GENERIC.get(status, ""))
                if 200 <= status < 300:
                    answers.setdefault(
                        str(status), {"description": meaning, "content": answers.get("201", {}).get("content", {})}
                    )
                    continue
                answers[str(status)] = {
                    "description": meaning,
                    "content": _error_answer(status, meaning, needed, status in route_answers),
                }
            if "204" in answers:  # No Content has no body to describe
                answers["204"] = {"description": answers["204"].get("description") or "No Content"}
    return document


def generated() -> dict[Any, str]:
    routers = _load_routers()  # puts the layer on the path too
    return {DOCUMENT: render_json(build(routers)), ROUTE_TABLE: render_json(route_table(routers))}


def main() -> int:
    return write_or_check(
        __doc__.splitlines()[0], "docs/openapi.json and boxoffice/routes.json", "make generated", generated
    )


if __name__ == "__main__":
    sys.exit(main())
