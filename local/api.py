"""The SAM CLI's own local API Gateway emulator, answering errors the way an HTTP API does.

`LocalApigwService` does the routing, the event (payload 2.0), the Lambda
authorizer call and the response parsing. We give it the in-process runtime
instead of Docker, and correct the few answers where `sam local` differs from
a deployed HTTP API:

- a function that raises -> 500 {"message": "Internal Server Error"} in AWS;
  `sam local` says 502, and so does the issue we build to, so 502 it is;
- an authorizer that raises "Unauthorized" -> 401 (sam local: 502);
- an authorizer that answers isAuthorized false -> 403 {"message": "Forbidden"};
- an authorizer that fails otherwise -> 500;
- an authorizer's answer (allow or deny; never a 401 or a failure) is cached
  per authorizer and identity-source values for `authorizer_cache_seconds`
  (the template's ReauthorizeEvery), as API Gateway
  caches it: sam local calls the authorizer on every request;
- an unknown route -> 404 {"message": "Not Found"} (sam local: 403);
- a body that is not UTF-8 text reaches the function base64-encoded
  (isBase64Encoded), as API Gateway passes binary payloads (sam local: 502).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Response, request
from samcli.local.apigw.local_apigw_service import LocalApigwService
from samcli.local.services.base_local_service import LambdaOutputParser


class FunctionFailed(Exception):
    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload.get("errorMessage", ""))
        self.payload = payload


class AuthorizerDenied(Exception):
    """The authorizer said the caller is not authenticated (raised "Unauthorized")."""


class AuthorizerFailed(Exception):
    """The authorizer itself failed."""


class AuthorizerForbade(Exception):
    """The authorizer answered: authenticated, but not allowed on this route."""


def _gateway_answer(status: int, message: str) -> Response:
    return Response(json.dumps({"message": message}), status=status, mimetype="application/json")


class LocalHttpApi(LocalApigwService):
    # The authorizer's ReauthorizeEvery; InProcessStack and make run set it from the stack's parameters.
    authorizer_cache_seconds = 0
    # What the cache's time is read from; the in-process tests give boxoffice's clock, which they move.
    clock: Callable[[], float] = staticmethod(time.time)

    def create(self) -> None:
        # (authorizer, identity-source values) -> (expires at, the context to pass on, or None for "forbidden")
        self.authorizer_cache: dict[tuple[str, tuple[str, ...]], tuple[float, dict[str, Any] | None]] = {}
        self.authorizer_invocations = 0
        # SAM logs every authorizer refusal as an error; here a refusal is an answer, not a failure.
        logging.getLogger("samcli.local.apigw.local_apigw_service").setLevel(logging.CRITICAL)
        super().create()
        app = self._app
        assert app is not None
        app.register_error_handler(FunctionFailed, lambda _: _gateway_answer(502, "Internal Server Error"))
        app.register_error_handler(AuthorizerDenied, lambda _: _gateway_answer(401, "Unauthorized"))
        app.register_error_handler(AuthorizerFailed, lambda _: _gateway_answer(500, "Internal Server Error"))
        app.register_error_handler(AuthorizerForbade, lambda _: _gateway_answer(403, "Forbidden"))
        app.register_error_handler(404, lambda _: _gateway_answer(404, "Not Found"))
        app.register_error_handler(405, lambda _: _gateway_answer(404, "Not Found"))
        app.after_request(_access_log)

    @property
    def flask_app(self) -> Any:
        return self._app

    def run(self, threads: int = 32) -> None:
        """SAM's `run` (serve until SIGTERM or Ctrl-C) on waitress rather than werkzeug's development server:
        kept-alive connections, a pool of threads (`local.serving`). SAM's SIGTERM handler raises an exception,
        which waitress's loop could take for a connection's error; this one asks the loop to stop."""
        from local.serving import WsgiServer

        server = WsgiServer(self._app, self.host, self.port, threads)
        signal.signal(signal.SIGTERM, lambda *_: server.request_stop())
        server.serve()

    def serve_docs(self, openapi_document: Path) -> None:
        """The API's OpenAPI document at /openapi.json and Swagger UI at /docs (bundled assets, no CDN)."""
        from flask import send_file
        from flask_swagger_ui import get_swaggerui_blueprint

        app = self._app
        assert app is not None
        app.add_url_rule(
            "/openapi.json",
            endpoint="openapi-document",
            view_func=lambda: send_file(openapi_document, mimetype="application/json"),
        )
        app.register_blueprint(get_swaggerui_blueprint("/docs", "/openapi.json", config={"app_name": "Boxoffice API"}))
        app.after_request(_page_headers)

    def serve_web(self, dist: Path) -> bool:
        """The web app (web/dist, built by `make web`) at / from the same origin as the API: index.html, its
        assets, and /config.json (the API is on this origin). False when it has not been built."""
        from flask import jsonify, send_from_directory

        app = self._app
        assert app is not None
        if not (dist / "index.html").exists():
            return False

        def index() -> Any:
            page = send_from_directory(dist, "index.html")
            page.headers["Content-Security-Policy"] = WEB_CONTENT_SECURITY_POLICY
            return page

        app.add_url_rule("/", endpoint="web-index", view_func=index)
        app.add_url_rule(
            "/assets/<path:name>",
            endpoint="web-assets",
            view_func=lambda name: send_from_directory(dist / "assets", name),
        )
        app.add_url_rule("/config.json", endpoint="web-config", view_func=lambda: jsonify(apiUrl=""))
        return True

    def _generate_lambda_event(self, flask_request: Any, route: Any, method: str, endpoint: str) -> dict:
        event = self._lambda_event(flask_request, route, method, endpoint)
        # The SAM CLI makes its request id once, as a default argument: every request would share it (and
        # every log line its correlation id). API Gateway gives each request its own.
        event.setdefault("requestContext", {})["requestId"] = str(uuid.uuid4())
        return event

    def _lambda_event(self, flask_request: Any, route: Any, method: str, endpoint: str) -> dict:
        try:
            return super()._generate_lambda_event(flask_request, route, method, endpoint)
        except UnicodeDecodeError:
            from samcli.local.apigw.event_constructor import construct_v2_event_http
            from samcli.local.apigw.path_converter import PathConverter

            route_key = self._v2_route_key(
                method, PathConverter.convert_path_to_api_gateway(endpoint), route.is_default_route
            )
            return construct_v2_event_http(
                flask_request=flask_request,
                port=self.port,
                binary_types=["*/*"],
                stage_name=self.api.stage_name,
                stage_variables=self.api.stage_variables,
                route_key=route_key,
            )

    def _invoke_lambda_function(self, lambda_function_name: str, event: dict, tenant_id: str | None = None) -> Any:
        from io import StringIO

        from samcli.lib.utils.stream_writer import StreamWriter

        with StringIO() as stdout:
            self.lambda_runner.invoke(
                lambda_function_name,
                json.dumps(event),
                stdout=StreamWriter(stdout, auto_flush=True),
                stderr=self.stderr,
                tenant_id=tenant_id,
            )
            output, is_error = LambdaOutputParser.get_lambda_output(stdout)
        if is_error:
            raise FunctionFailed(json.loads(output))
        return output

    def _invoke_parse_lambda_authorizer(
        self, lambda_authorizer: Any, auth_lambda_event: dict, route_lambda_event: dict, route: Any
    ) -> None:

        key = (
            lambda_authorizer.lambda_name,
            tuple(str(value) for value in auth_lambda_event.get("identitySource") or ()),
        )
        now = self.clock()
        cached = self.authorizer_cache.get(key)
        if cached is not None and cached[0] > now:
            context = cached[1]
        else:
            context = self._authorize(lambda_authorizer, auth_lambda_event, route)
            if self.authorizer_cache_seconds > 0:
                self.authorizer_cache[key] = (now + self.authorizer_cache_seconds, context)
        if context is None:
            raise AuthorizerForbade()
        # payload 2.0: the authorizer's context reaches the function under requestContext.authorizer.lambda
        route_lambda_event.setdefault("requestContext", {})["authorizer"] = {"lambda": context}

    def _authorize(self, lambda_authorizer: Any, auth_lambda_event: dict, route: Any) -> dict[str, Any] | None:
        """Invoke the authorizer: the context it passes on, None for isAuthorized false; a 401 or a failure raised."""
        self.authorizer_invocations += 1
        try:
            output = self._invoke_lambda_function(lambda_authorizer.lambda_name, auth_lambda_event)
        except FunctionFailed as failure:
            if failure.payload.get("errorMessage") == "Unauthorized":
                raise AuthorizerDenied() from failure
            raise AuthorizerFailed() from failure
        try:
            allowed = lambda_authorizer.is_valid_response(output, self._create_method_arn(request, route.event_type))
        except Exception as malformed:
            raise AuthorizerFailed() from malformed
        return dict(lambda_authorizer.get_context(output) or {}) if allowed else None


# The web app's page: its own scripts and styles only (no inline script, nothing from elsewhere), images of its
# own or drawn in the page (the tickets' QR codes), and the API on this origin. The deployed app's CloudFront
# policy is the same but for connect-src, which names the API's URL (template.yaml, WebResponseHeaders).
WEB_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


_ACCESS_LOG = logging.getLogger("local.access")


def _access_log(response: Any) -> Any:
    """One plain line per request under `make run` (as werkzeug's server printed), method, path and status only:
    the query string may carry a cursor, and nothing here prints a header. Not under the `boxoffice` logger, whose
    handler (Powertools') writes JSON."""
    _ACCESS_LOG.info("%s %s %s", request.method, request.path, response.status_code)
    return response


def _page_headers(response: Any) -> Any:
    """A strict Content-Security-Policy on every page served (Swagger UI): its own inline script is allowed by
    its hash, nothing else inline and nothing from elsewhere; and nosniff on everything."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "text/html" and not response.direct_passthrough:
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
            for script in _INLINE_SCRIPT.findall(response.get_data())
        )
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        )
    return response
