"""docs/openapi.json: one OpenAPI document for the whole API, from the functions' own resolvers and models.

Every API function of template.yaml is imported, its Powertools router joins
one resolver, and Powertools writes the document from the routes and their
pydantic models. Then what only the stack knows is added: the bearer scheme
and each route's permission (from boxoffice.permissions), and the error
answers every route can give, in the shared error shape.

    python -m tools.openapi          # write docs/openapi.json
    python -m tools.openapi --check  # fail if it is out of date
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

from local.runtime import PROJECT_ROOT
from local.template import resources_of_type
from tools.generated import render_json, write_or_check

DOCUMENT = PROJECT_ROOT / "docs" / "openapi.json"
TITLE = "Boxoffice API"
VERSION = "1.0.0"
DESCRIPTION = (
    "A cinema back end: a catalog of movies, halls and screenings, members and their subscriptions; chairs held "
    "exclusively for a while, then paid once with the hold's confirmation id; staff accounts with permissions.\n\n"
    "Authenticate with `POST /auth/login` and send `Authorization: Bearer <access_token>`. Each operation names "
    "the permission it needs (`x-permissions`). Errors share one shape: `{code, message, details}`; only "
    "API Gateway's own refusals (401, 403 before a function runs) are `{message}`."
)

# Answers a route gives beyond the generic ones (422 for bad input, 401/403 at the gateway, 413/415 for
# bodies, 429/503 for a busy or failing dependency), with what each means there.
ROUTE_ANSWERS: dict[str, dict[int, str]] = {
    "POST /auth/register": {409: "USERNAME_TAKEN"},
    "POST /auth/login": {401: "INVALID_CREDENTIALS (the same for every failure)"},
    "POST /users": {409: "USERNAME_TAKEN"},
    "GET /users/{user_id}": {404: "No such user"},
    "PUT /users/{user_id}": {404: "No such user", 409: "LAST_ADMINISTRATOR or CONCURRENT_UPDATE",
                             403: "SELF_GRANT"},
    "DELETE /users/{user_id}": {404: "No such user", 409: "LAST_ADMINISTRATOR"},
    "GET /me": {404: "The account no longer exists"},
    "GET /movies/{movie_id}": {404: "No such movie"},
    "PUT /movies/{movie_id}": {404: "No such movie"},
    "DELETE /movies/{movie_id}": {404: "No such movie", 409: "MOVIE_HAS_SCREENINGS"},
    "GET /members/{member_id}": {404: "No such member"},
    "PUT /members/{member_id}": {404: "No such member"},
    "DELETE /members/{member_id}": {404: "No such member"},
    "POST /subscriptions": {404: "No such member or movie", 409: "ALREADY_SUBSCRIBED"},
    "DELETE /subscriptions/{subscription_id}": {404: "No such subscription"},
    "GET /halls/{hall_id}": {404: "No such hall"},
    "POST /screenings": {404: "No such movie or hall", 409: "SCREENING_OVERLAP"},
    "GET /screenings/{screening_id}": {404: "No such screening"},
    "GET /screenings/{screening_id}/chairs": {404: "No such screening"},
    "POST /screenings/{screening_id}/chairs": {404: "No such screening", 409: "CHAIR_EXISTS"},
    "POST /orders": {200: "The same order again (a retry with the same Idempotency-Key)",
                     403: "Selling for a member needs orders:manage", 404: "No such screening, chair or member",
                     409: "CHAIR_UNAVAILABLE (naming the chairs) or SCREENING_STARTED",
                     429: "TOO_MANY_HELD_CHAIRS or RATE_LIMITED"},
    "GET /orders": {},
    "GET /orders/{order_id}": {404: "No such order (or not yours)"},
    "DELETE /orders/{order_id}": {404: "No such order (or not yours)", 409: "HOLD_EXPIRED or ORDER_PAID"},
    "POST /orders/{order_id}/payment": {
        400: "IDEMPOTENCY_KEY_REQUIRED", 402: "PAYMENT_DECLINED", 403: "WRONG_CONFIRMATION_ID",
        404: "No such order (or not yours)",
        409: "HOLD_EXPIRED, ALREADY_PAID, PAYMENT_IN_PROGRESS, ORDER_CANCELLED or ORDER_REFUNDED",
        502: "PAYMENT_PROVIDER_FAILED (nothing charged; retry)"},
    "POST /orders/{order_id}/refund": {404: "No such order (or not yours)",
                                       409: "NOT_PAID or REFUND_WINDOW_CLOSED"},
}

_GENERIC = {
    400: "The request is malformed",
    401: "No valid access token",
    402: "The payment was declined",
    403: "The token's permissions do not allow this",
    404: "Not found",
    409: "Conflicts with the current state",
    413: "The body is larger than 64 KiB",
    415: "The body is not JSON",
    422: "The request is not valid (VALIDATION_FAILED, naming each field)",
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


def _error_content(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def build() -> dict[str, Any]:
    routers = _load_routers()  # puts the layer on the path too
    from boxoffice import permissions
    from boxoffice.http import create_app

    app = create_app(*routers)
    document = json.loads(app.get_openapi_json_schema(
        title=TITLE, version=VERSION, description=DESCRIPTION,
        # Relative: Swagger UI's "Try it out" calls the origin that served it, whatever PORT is.
        servers=[{"url": "/", "description": "where this document is served from (make run: /openapi.json)"}],
    ))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"] = {
        "type": "object", "required": ["code", "message", "details"],
        "properties": {"code": {"type": "string", "example": "CHAIR_UNAVAILABLE"}, "message": {"type": "string"},
                       "details": {"type": "object"}},
    }
    schemas["GatewayError"] = {"type": "object", "required": ["message"],
                               "properties": {"message": {"type": "string", "example": "Unauthorized"}}}
    document["components"]["securitySchemes"] = {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                       "description": "An access token from POST /auth/login (or a configured Cognito pool)"},
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            route = f"{method.upper()} {path}"
            needed = permissions.ROUTES[route]
            answers = operation.setdefault("responses", {})
            has_body = "requestBody" in operation
            statuses = {422, 429, 503, *ROUTE_ANSWERS.get(route, {})}
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
            for status in sorted(statuses):
                meaning = ROUTE_ANSWERS.get(route, {}).get(status, _GENERIC.get(status, ""))
                if 200 <= status < 300:
                    answers.setdefault(str(status), {"description": meaning,
                                                     "content": answers.get("201", {}).get("content", {})})
                    continue
                content = _error_content("Error")
                if status in (401, 403) and needed != permissions.PUBLIC:
                    content = {"application/json": {"schema": {"oneOf": [
                        {"$ref": "#/components/schemas/Error"}, {"$ref": "#/components/schemas/GatewayError"}]}}}
                answers[str(status)] = {"description": meaning, "content": content}
    return document


def main() -> int:
    return write_or_check(__doc__.splitlines()[0], "docs/openapi.json", "make openapi",
                          lambda: {DOCUMENT: render_json(build())})


if __name__ == "__main__":
    sys.exit(main())
