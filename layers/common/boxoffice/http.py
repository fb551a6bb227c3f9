"""The HTTP edge every endpoint shares: one resolver factory, one error mapping, one identity.

A function module declares its route on a `Router`, with what the route needs
and the answers it gives besides the generic ones, right on the decorator:

    @router.get("/movies/<movie_id>", needs=permissions.MOVIES_VIEW, answers={404: "No such movie"}, ...)

and ends with `lambda_handler = http.lambda_handler_for(router)`. The
authorizer's table (boxoffice/routes.json), the OpenAPI document and the
sample events are generated from these declarations (`make generated`).
Everything between API Gateway and the domain call lives here, once:

- request validation (Powertools + pydantic), answered 422 in our error shape;
- a body size cap (413), JSON bodies only (415), and JSON within the limits of
  boxoffice.json_body (422), checked before anything else parses the body;
- the headers a security review expects on every answer (`SECURITY_HEADERS`);
- a second check of the route's permission from the authorizer's context
  (the authorizer is the first; a function is never reachable without it);
- on routes declared `recheck_account`, the caller's account judged again from a
  consistent read (boxoffice.edge.standing), so a revocation holds at the next
  request there rather than when API Gateway's cached authorization lapses;
- domain errors mapped to HTTP in `_domain_error`, and nothing else maps them.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router as PowertoolsRouter
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.request import Request
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from boxoffice import aws, permissions, public_reads
from boxoffice.actor import Actor, acting
from boxoffice.clock import now_epoch
from boxoffice.edge import standing
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
from boxoffice.identity import Identity
from boxoffice.json_body import check_json_body, refuse_json
from boxoffice.observability import MetricUnit, logger, metrics
from boxoffice.settings import get_settings
from boxoffice.tracing import tracer

MAX_BODY_BYTES = 64 * 1024
# On every answer: no answer of this API is cacheable (tokens, orders, personal data), none is sniffed
# as another type, and browsers keep to HTTPS (ignored over plain HTTP, so harmless under `make run`).
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}

__all__ = [
    "ClientAddress",
    "CurrentIdentity",
    "Identity",
    "Router",
    "create_app",
    "json_response",
    "lambda_handler_for",
]


def http_event(request: Request) -> APIGatewayProxyEventV2:
    """The event behind a request: every Boxoffice route sits behind an HTTP API (payload 2.0)."""
    return cast(APIGatewayProxyEventV2, request.resolved_event)


# Powertools reads a dependency's annotations from the function itself; mutmut's wrapper would hide them.
def identity_from_request(request: Request) -> Identity:  # pragma: no mutate block
    return identity_from_context(http_event(request).request_context.authorizer.get_lambda)


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
        account_created_at=int(context["created"]) if str(context.get("created", "")).isdigit() else None,
        token_id=str(context["jti"]) if context.get("jti") else None,
    )


CurrentIdentity = Annotated[Identity, Depends(identity_from_request)]


# `recheck_account=ALWAYS`: every request judges the caller's account anew; a permission name instead: only
# requests whose (possibly cached) authorization grants it, e.g. staff selling at the box office, never the
# customer's own hold and pay.
ALWAYS = "always"


@dataclass(frozen=True)
class RouteDeclaration:
    """What one route needs (public, any valid token, or any one of some permissions), the answers it gives
    beyond the generic ones (status -> what it means there; the OpenAPI document shows them), and when it
    judges the caller's account anew rather than trusting a cached authorization (`recheck_account`)."""

    needs: permissions.Needs
    answers: dict[int, str]
    recheck_account: str | None = None


def route_key(method: str, rule: str) -> str:
    """API Gateway's `$context.routeKey` for a Powertools rule: `GET /movies/<movie_id>` -> `GET /movies/{movie_id}`."""
    path = "/".join("{" + part[1:-1] + "}" if part.startswith("<") else part for part in rule.split("/"))
    return f"{method} {path}"


class Router(PowertoolsRouter):
    """Powertools' Router, whose every route also says what it needs and what it answers (see the module doc)."""

    def __init__(self) -> None:
        super().__init__()
        self.declarations: dict[str, RouteDeclaration] = {}

    def _declare(
        self,
        method: str,
        rule: str,
        needs: permissions.Declared,
        answers: dict[int, str] | None,
        recheck_account: str | None,
    ) -> None:
        if recheck_account not in (None, ALWAYS, *permissions.ALL_PERMISSIONS):
            raise ValueError(f"recheck_account takes ALWAYS or a permission, not {recheck_account!r}")
        declaration = RouteDeclaration(permissions.needs(needs), dict(answers or {}), recheck_account)
        self.declarations[route_key(method, rule)] = declaration

    def get(  # type: ignore[override]  # each route must say what it needs: a keyword the base lacks
        self,
        rule: str,
        *args: Any,
        needs: permissions.Declared,
        answers: dict[int, str] | None = None,
        recheck_account: str | None = None,
        **kwargs: Any,
    ) -> Any:
        self._declare("GET", rule, needs, answers, recheck_account)
        return super().get(rule, *args, **kwargs)

    def post(  # type: ignore[override]  # each route must say what it needs: a keyword the base lacks
        self,
        rule: str,
        *args: Any,
        needs: permissions.Declared,
        answers: dict[int, str] | None = None,
        recheck_account: str | None = None,
        **kwargs: Any,
    ) -> Any:
        self._declare("POST", rule, needs, answers, recheck_account)
        return super().post(rule, *args, **kwargs)

    def put(  # type: ignore[override]  # each route must say what it needs: a keyword the base lacks
        self,
        rule: str,
        *args: Any,
        needs: permissions.Declared,
        answers: dict[int, str] | None = None,
        recheck_account: str | None = None,
        **kwargs: Any,
    ) -> Any:
        self._declare("PUT", rule, needs, answers, recheck_account)
        return super().put(rule, *args, **kwargs)

    def delete(  # type: ignore[override]  # each route must say what it needs: a keyword the base lacks
        self,
        rule: str,
        *args: Any,
        needs: permissions.Declared,
        answers: dict[int, str] | None = None,
        recheck_account: str | None = None,
        **kwargs: Any,
    ) -> Any:
        self._declare("DELETE", rule, needs, answers, recheck_account)
        return super().delete(rule, *args, **kwargs)


def client_address_from_request(request: Request) -> str:  # pragma: no mutate block (as identity_from_request)
    """The caller's address as API Gateway saw it (never a header the client could set)."""
    return str(http_event(request).request_context.http.source_ip or "unknown")[:64]


ClientAddress = Annotated[str, Depends(client_address_from_request)]


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


@dataclass(frozen=True)
class RouteShape:
    """What a function's route takes, read once from its own signature (so it is declared nowhere else)."""

    takes_body: bool
    query_names: frozenset[str]

    @classmethod
    def of(cls, app: APIGatewayHttpResolver) -> RouteShape:
        routes = app._static_routes + app._dynamic_routes
        return cls(
            takes_body=any(route.dependant.body_params for route in routes),
            query_names=frozenset(field.alias for route in routes for field in route.dependant.query_params),
        )


def _check_shape(event: dict[str, Any], text: str, shape: RouteShape) -> None:
    """A body on a route that takes none, or a query parameter it does not know, is refused: never ignored."""
    if text.strip() not in ("", "{}") and not shape.takes_body:
        raise Invalid(
            "This route takes no body",
            code="VALIDATION_FAILED",
            details={"errors": [{"location": "body", "message": "not expected"}]},
        )
    # Every body is a JSON object. (Powertools' validation would take a one-item array for its item.)
    if text.strip() and not text.lstrip().startswith("{"):
        raise Invalid(
            "The body must be a JSON object",
            code="VALIDATION_FAILED",
            details={"errors": [{"location": "body", "message": "not a JSON object"}]},
        )
    unknown = sorted(set(event.get("queryStringParameters") or {}) - shape.query_names)
    if unknown:
        raise Invalid(
            "Unknown query parameters",
            code="UNKNOWN_PARAMETER",
            details={
                "errors": [
                    {"location": f"query.{name[:64]}", "message": "not a parameter of this route"}
                    for name in unknown[:10]
                ]
            },
        )


def _guard(event: dict[str, Any], shape: RouteShape, declarations: dict[str, RouteDeclaration]) -> None:
    """Body size cap, JSON within limits, the route's own parameters only, then the route's permission,
    before any handler code runs (and before request validation, so a caller without the permission
    learns nothing of the schema)."""
    body = event.get("body") or ""
    if len(body.encode()) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES} bytes")
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    text = body
    if body and event.get("isBase64Encoded"):
        try:
            text = base64.b64decode(body, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise refuse_json("not UTF-8 text") from None
    if body:
        media_type = (headers.get("content-type") or "").split(";")[0].strip().lower()
        if media_type != "application/json" and not media_type.endswith("+json"):
            raise UnsupportedMediaType("Send the body as JSON with Content-Type: application/json")
        check_json_body(text)
    _check_shape(event, text, shape)
    declared = declarations.get(str(event.get("routeKey", "")))
    needs = declared.needs if declared else frozenset()  # a route nobody declared is closed, never open
    if needs == permissions.PUBLIC and str(event.get("routeKey", "")).startswith("GET "):
        source = ((event.get("requestContext") or {}).get("http") or {}).get("sourceIp")
        public_reads.admit(str(source or "unknown")[:64], now_epoch())
    if needs != permissions.PUBLIC:
        caller = identity_from_context(((event.get("requestContext") or {}).get("authorizer") or {}).get("lambda"))
        # API Gateway may answer from a cached authorization for a while: a token ends at its exp regardless.
        if caller.session_ends_at is not None and caller.session_ends_at <= now_epoch():
            raise Unauthorized("The session has ended; sign in again")
        # The authorizer says who is calling (one cached answer per token, whatever the route); what the
        # route needs is checked here, before any handler code runs.
        _forbid_unless(needs, caller)
        # A caller the cached answer already refuses costs no read; one it allows is judged anew where declared.
        if declared is not None and _must_recheck(declared, caller):
            _forbid_unless(needs, _rechecked(event, caller))


def _forbid_unless(needs: permissions.Needs, caller: Identity) -> None:
    if not permissions.satisfied(needs, caller.permissions):
        metrics.add_metric(name="RequestsForbidden", unit=MetricUnit.Count, value=1)
        raise Forbidden("Your account is not allowed to do this")


def _must_recheck(declared: RouteDeclaration, caller: Identity) -> bool:
    # Tokens of a Cognito pool have no account of ours to judge (the authorizer judges none either).
    if declared.recheck_account is None or caller.issuer != "boxoffice":
        return False
    return declared.recheck_account == ALWAYS or caller.can(declared.recheck_account)


def _rechecked(event: dict[str, Any], caller: Identity) -> Identity:
    """The caller judged anew from a consistent read of its account; the request's authorizer context then says
    what the account allows now, so the handler's identity (CurrentIdentity) is the rechecked one."""
    context = event["requestContext"]["authorizer"]["lambda"]
    if not str(context.get("iat", "")).isdigit() or caller.session_ends_at is None:
        raise Unauthorized("Sign in again")  # a context the authorizer of this version did not make
    found = aws.client("dynamodb").get_item(
        TableName=get_settings().table("users"),
        Key={"user_id": {"S": caller.user_id}},
        ConsistentRead=True,
        **standing.projection(),
    )
    item = found.get("Item")
    claims = {"iat": int(context["iat"]), "exp": caller.session_ends_at, "jti": caller.token_id}
    try:
        current = standing.permissions_now(
            standing.Standing.from_item(item) if item else None, claims, caller.permissions
        )
    except standing.Revoked as revoked:
        metrics.add_metric(name="RevokedTokensRefused", unit=MetricUnit.Count, value=1)
        logger.info("a revoked token refused at the function", extra={"reason": str(revoked)})
        raise Unauthorized("The session has ended; sign in again") from None
    context["permissions"] = " ".join(sorted(current))
    return dataclasses.replace(caller, permissions=current)


def _actor_of(event: dict[str, Any]) -> Actor | None:
    """The person behind an authorized request, as the changes it writes record them (boxoffice.actor)."""
    context = event.get("requestContext") or {}
    caller = (context.get("authorizer") or {}).get("lambda") or {}
    if not caller.get("sub"):
        return None
    address = str((context.get("http") or {}).get("sourceIp") or "unknown")[:64]
    return Actor(str(caller["sub"]), str(caller.get("username", "")), address)


def _error_response(error: DomainError) -> dict[str, Any]:
    return {
        "statusCode": error.status,
        "headers": {"Content-Type": content_types.APPLICATION_JSON, **SECURITY_HEADERS, **error.headers},
        "body": json.dumps(error.body(), separators=(",", ":")),
        "isBase64Encoded": False,
    }


def _retryable(error: Exception) -> DomainError:
    """A transient AWS failure is a 503 (or 429) with Retry-After; anything else stays a failure (502)."""
    answer = as_client_answer(error)
    if answer is None:
        raise error
    logger.warning(
        "dependency failure answered as retryable", extra={"code": answer.code, "error": type(error).__name__}
    )
    return answer


def _infrastructure_error(error: Exception) -> Response:
    return _domain_error(_retryable(error))


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
    shapes: list[RouteShape] = []

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict, context: Any) -> dict:
        try:
            if not shapes:
                shapes.append(RouteShape.of(app))
            _guard(event, shapes[0], router.declarations)
        except DomainError as refused:
            return _error_response(refused)
        except Exception as failed:  # the read of the caller's account (recheck_account) failed
            return _error_response(_retryable(failed))
        with acting(_actor_of(event)):
            answer = app.resolve(event, context)
        answer["headers"] = {**SECURITY_HEADERS, **(answer.get("headers") or {})}
        return answer

    handler.app = app  # type: ignore[attr-defined]  # tests and the OpenAPI builder reach the resolver here
    return handler
