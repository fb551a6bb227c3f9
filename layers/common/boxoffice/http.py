"""The HTTP edge every endpoint shares: one resolver factory, one error mapping, one identity.

A function module declares its route on a `Router`, and ends with
`lambda_handler = http.lambda_handler_for(router)`. Everything between API
Gateway and the domain call lives here, once:

- request validation (Powertools + pydantic), answered 422 in our error shape;
- a body size cap (413) and JSON bodies only (415);
- a second check of the route's permission from the authorizer's context
  (the authorizer is the first; a function is never reachable without it);
- domain errors mapped to HTTP in `_domain_error`, and nothing else maps them.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.request import Request
from aws_lambda_powertools.logging import correlation_paths

from boxoffice import permissions
from boxoffice.errors import (
    DomainError,
    Forbidden,
    Invalid,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    error_body,
)
from boxoffice.faults import as_client_answer
from boxoffice.observability import logger, metrics
from boxoffice.tracing import tracer

MAX_BODY_BYTES = 64 * 1024

__all__ = [
    "CurrentIdentity",
    "Identity",
    "Router",
    "create_app",
    "json_response",
    "lambda_handler_for",
]


@dataclass(frozen=True)
class Identity:
    """Who is calling, exactly as the authorizer vouched for it."""

    user_id: str
    username: str
    permissions: frozenset[str]
    issuer: str = "boxoffice"
    session_ends_at: int | None = None

    def can(self, permission: str) -> bool:
        return permission in self.permissions


def identity_from_request(request: Request) -> Identity:
    return identity_from_context(request.resolved_event.request_context.authorizer.get_lambda)


def identity_from_context(context: dict[str, Any] | None) -> Identity:
    context = context or {}
    user_id = context.get("sub")
    if not user_id:
        raise Unauthorized("This route needs a valid access token")
    return Identity(
        user_id=str(user_id),
        username=str(context.get("username", "")),
        permissions=permissions.expand(str(context.get("permissions", "")).split()),
        issuer=str(context.get("issuer", "boxoffice")),
        session_ends_at=int(context["exp"]) if str(context.get("exp", "")).isdigit() else None,
    )


CurrentIdentity = Annotated[Identity, Depends(identity_from_request)]


def json_response(status_code: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status_code,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(body, separators=(",", ":")),
        headers=headers,
    )


def _domain_error(error: DomainError) -> Response:
    return json_response(error.status, error.body(), error.headers or None)


def _validation_error(error: RequestValidationError) -> Response:
    # Only where and what: never echo the input back (it may be a password).
    problems = [
        {"location": ".".join(str(part) for part in problem.get("loc", ())), "message": problem.get("msg", "")}
        for problem in error.errors()
    ]
    return json_response(422, error_body("VALIDATION_FAILED", "The request is not valid", {"errors": problems}))


def _guard(event: dict[str, Any]) -> None:
    """Body size cap and JSON only, then the route's permission, before any handler code runs
    (and before request validation, so a caller without the permission learns nothing of the schema)."""
    body = event.get("body") or ""
    if len(body.encode()) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES} bytes")
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    if body and event.get("isBase64Encoded"):
        try:
            base64.b64decode(body, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise Invalid("The body is not UTF-8 JSON", code="VALIDATION_FAILED",
                          details={"errors": [{"location": "body", "message": "not UTF-8 text"}]}) from None
    if body:
        media_type = (headers.get("content-type") or "").split(";")[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise UnsupportedMediaType("Send the body as JSON with Content-Type: application/json")
    route_key = str(event.get("routeKey", ""))
    if not permissions.is_public(route_key):
        caller = identity_from_context(((event.get("requestContext") or {}).get("authorizer") or {}).get("lambda"))
        if not permissions.allows(route_key, caller.permissions):
            raise Forbidden("Your account is not allowed to do this")


def _error_response(error: DomainError) -> dict[str, Any]:
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": content_types.APPLICATION_JSON, **error.headers},
        "body": json.dumps(error.body(), separators=(",", ":")),
        "isBase64Encoded": False,
    }


def _infrastructure_error(error: Exception) -> Response:
    """A transient AWS failure is a 503 (or 429) with Retry-After; anything else stays a failure (502)."""
    answer = as_client_answer(error)
    if answer is None:
        raise error
    logger.warning("dependency failure answered as retryable", extra={"code": answer.code,
                                                                       "error": type(error).__name__})
    return _domain_error(answer)


def _no_such_route(_: Exception) -> Response:
    # API Gateway matched the route but the path parameter is not one the function can read.
    return json_response(404, error_body("NOT_FOUND", "Nothing is at this path"))


def create_app(*routers: Router) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=True)
    app.not_found(_no_such_route)
    app.exception_handler(DomainError)(_domain_error)
    app.exception_handler(RequestValidationError)(_validation_error)
    app.exception_handler(Exception)(_infrastructure_error)
    for router in routers:
        app.include_router(router)
    return app


def lambda_handler_for(router: Router) -> Callable[[dict, Any], dict]:
    """The Lambda entry point of one endpoint: Powertools' logger, tracer and metrics around `app.resolve`."""
    app = create_app(router)

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict, context: Any) -> dict:
        try:
            _guard(event)
        except DomainError as refused:
            return _error_response(refused)
        return app.resolve(event, context)

    handler.app = app  # type: ignore[attr-defined]  # tests and the OpenAPI builder reach the resolver here
    return handler
