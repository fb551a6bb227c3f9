"""The template's stack in this process, under moto: what the component tests and the benchmarks run.

- `mocked_aws()` creates the template's tables and keys inside moto's `mock_aws`;
- `InProcessStack` runs the template's functions in the same in-process runtime
  `make run` uses, each with exactly the environment the template gives it;
- `ApiClient` speaks HTTP to them through the SAM CLI's own API Gateway
  emulator (routes, authorizer, payload 2.0 events) via Flask's test client,
  without opening a socket;
- `AwsCallCounter` counts the AWS requests they make.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto import mock_aws

from local import moto_patches
from local.api import LocalHttpApi
from local.events import EventPlumbing, create_bus_and_queues, local_physical_ids
from local.runtime import EnvironmentPool, FunctionSpec, InProcessRuntime, SamLambdaRunner, share_sdk_data_files
from local.template import (
    LOCAL_REGION,
    LocalStack,
    authorizer_cache_seconds,
    create_keys,
    create_tables,
    key_ids,
    local_table_names,
    resolve,
)
from tools.generate_events import request_event

TEST_ISSUER = "https://boxoffice.test"
ADMIN_CONTEXT = {
    "sub": "admin-0001",
    "username": "admin",
    "permissions": " ".join(
        [
            "movies:create",
            "movies:update",
            "movies:delete",
            "members:create",
            "members:update",
            "members:delete",
            "subscriptions:create",
            "subscriptions:delete",
            "screenings:manage",
            "orders:create",
            "orders:manage",
            "users:manage",
        ]
    ),
}


def sample_event(logical_id: str) -> dict[str, Any]:
    """The function's sample event from tests/events (generated from the template)."""
    return request_event(logical_id)


DEFAULT_PARAMETERS = {"Stage": "dev", "IssuerUrl": TEST_ISSUER}
_KEY_PLACEHOLDER = "KEY-PLACEHOLDER-{}"


@dataclass
class MockedAws:
    dynamodb: Any
    kms: Any
    tables: dict[str, str]
    keys: dict[str, str]

    def environment(self) -> dict[str, str]:
        """Every table and key variable, for test code that reads the tables directly."""
        from boxoffice.settings import _TABLE_VARIABLES

        # USERS_TABLE is the UsersTable resource, HOLD_QUOTAS_TABLE the HoldQuotasTable one, ...
        variables = {
            variable: self.tables["".join(word.title() for word in variable.split("_"))]
            for variable in _TABLE_VARIABLES.values()
        }
        variables["TOKEN_SIGNING_KEY_ID"] = self.keys["TokenSigningKeyBlue"]
        variables["TOKEN_VERIFY_KEY_IDS"] = ",".join(
            self.keys[key] for key in sorted(self.keys) if key.startswith("TokenSigningKey")
        )
        variables["TICKET_KEY_ID"] = self.keys["TicketKeySecret"]
        variables["ISSUER_URL"] = TEST_ISSUER
        return variables


@functools.cache
def moto_client(service: str) -> Any:
    """The test process's own client of a service, made once per process: moto answers any client made after
    it was imported, whichever mock is active, and a botocore client costs tens of milliseconds to make."""
    share_sdk_data_files()
    return boto3.session.Session(region_name=LOCAL_REGION).client(service)  # type: ignore[call-overload]


# The in-process stacks' warm environments, handed from each mocked AWS's stacks to the next one's.
warm_environments = EnvironmentPool()


# The template's tables as moto holds them right after they were made: empty, with their indexes, streams and
# TTL. Made through the API once per process, then copied into every new mocked AWS.
_fresh_tables: dict[str, Any] = {}


def _make_tables(dynamodb: Any, tables: dict[str, str]) -> None:
    """The template's tables in the active mock. Making them through the API took about 110 ms of every
    component test's setup (17 tables, 34 requests); a copy of the first ones made takes about 2 ms."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][LOCAL_REGION]
    if not _fresh_tables:
        create_tables(dynamodb, tables)
        assert set(backend.tables) == set(tables.values()), "moto keeps the tables elsewhere than expected"
        _fresh_tables.update(copy.deepcopy(backend.tables))
    backend.tables.update(copy.deepcopy(_fresh_tables))


@contextmanager
def mocked_aws() -> Iterator[MockedAws]:
    moto_patches.apply()
    with mock_aws():
        try:
            dynamodb, kms = moto_client("dynamodb"), moto_client("kms")
            tables = local_table_names()
            _make_tables(dynamodb, tables)
            create_bus_and_queues(moto_client("events"), moto_client("sqs"))
            yield MockedAws(dynamodb=dynamodb, kms=kms, tables=tables, keys=create_keys(kms))
        finally:
            warm_environments.release()  # this AWS is gone: its stacks' environments may serve the next ones


def _pool_key(spec: FunctionSpec) -> tuple[Any, ...]:
    """What two stacks' functions must share for one's warm environment to serve the other: everything the
    template resolved, before the test's KMS key ids were put in."""
    values = (getattr(spec, field.name) for field in dataclasses.fields(spec))  # every field, present and future
    return tuple(tuple(sorted(value.items())) if isinstance(value, dict) else value for value in values)


@functools.cache
def resolved_stack(parameters: tuple[tuple[str, str], ...]) -> LocalStack:
    """The template resolved once per parameter set (the SAM translator is slow); keys are placeholders."""
    placeholders = {logical_id: _KEY_PLACEHOLDER.format(logical_id) for logical_id in key_ids()}
    return resolve(dict(parameters), {**local_table_names(), **local_physical_ids(), **placeholders})


def _with_keys(spec: FunctionSpec, keys: dict[str, str]) -> FunctionSpec:
    environment = dict(spec.environment)
    for name, value in environment.items():
        for logical_id, key_id in keys.items():
            value = value.replace(_KEY_PLACEHOLDER.format(logical_id), key_id)
        environment[name] = value
    return dataclasses.replace(spec, environment=environment)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: Any
    text: str

    def __post_init__(self) -> None:
        """Every error answer of ours is the shared shape with a readable message: a code in capitals, and a
        message a person reads (a sentence: not lower-case at its start, not in capitals, no stray marks).
        Checked on every answer the tests see, so a garbled message fails whichever test meets it."""
        if self.status < 400 or not isinstance(self.body, dict) or "code" not in self.body:
            return
        code, message = self.body.get("code"), self.body.get("message")
        assert isinstance(code, str) and re.fullmatch(r"[A-Z][A-Z0-9_]*", code), f"error code {code!r}"
        assert isinstance(message, str) and message.strip(), f"{code}: no message"
        assert not message[0].islower() and message != message.upper() and "XX" not in message, (
            f"{code}: the message is not a sentence a person reads: {message!r}"
        )
        assert isinstance(self.body.get("details", {}), dict), f"{code}: details is not an object"

    def __repr__(self) -> str:
        return f"<Response {self.status} {self.text[:300]}>"


@dataclass
class ApiClient:
    """HTTP to the stack through SAM's emulator, in process."""

    service: LocalHttpApi
    default_headers: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: str | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        query: dict[str, Any] | None = None,
        client_address: str = "127.0.0.1",
    ) -> Response:
        """`client_address` is the caller's address as API Gateway sees it (its `sourceIp`)."""
        all_headers = {**self.default_headers, **(headers or {})}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        data = body
        if json_body is not None:
            data = json.dumps(json_body)
            all_headers.setdefault("Content-Type", "application/json")
        with self.service.flask_app.test_client() as client:
            answer = client.open(
                path,
                method=method,
                data=data,
                headers=all_headers,
                query_string=query,
                environ_base={"REMOTE_ADDR": client_address},
            )
            text = answer.get_data(as_text=True)
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return Response(status=answer.status_code, headers=dict(answer.headers), body=parsed, text=text)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.request("POST", path, json_body=body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Response:
        return self.request("PUT", path, json_body=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)


class InProcessStack:
    """The template's functions and API, running in process against mocked AWS."""

    def __init__(
        self,
        aws: MockedAws,
        parameters: dict[str, str] | None = None,
        environment: dict[str, dict[str, str]] | None = None,
    ) -> None:
        """`environment` adds variables to named functions, as `sam local --env-vars` would."""
        merged = {**DEFAULT_PARAMETERS, **(parameters or {})}
        stack = resolved_stack(tuple(sorted(merged.items())))
        unkeyed = dict(stack.functions)
        for name, variables in (environment or {}).items():
            unkeyed[name] = dataclasses.replace(unkeyed[name], environment={**unkeyed[name].environment, **variables})
        self.specs = {name: _with_keys(spec, aws.keys) for name, spec in unkeyed.items()}
        # Component tests freeze boxoffice.clock: function timeouts must not depend on how busy the machine is.
        self.runtime = InProcessRuntime(
            self.specs,
            clock_stands_still=True,
            pool=warm_environments,
            pool_keys={name: _pool_key(spec) for name, spec in unkeyed.items()},
        )
        self._resolved_api, self._parameters = stack.api, merged
        self._aws = aws
        self._accounts: set[str] = set()  # the callers call() has made accounts for (_vouched)
        # The authorizer speaks HTTP itself (no SDK): its AWS requests go to moto's own request handler.
        authorizer = self.runtime.environment("AuthorizerFunction")
        authorizer.module("boxoffice.edge.aws", to_patch=False).transport = MotoTransport()

    @functools.cached_property
    def service(self) -> LocalHttpApi:
        """SAM's API Gateway emulator, made when a test first speaks HTTP: its Flask app's routes took about 40 ms
        of every component test's setup, and many tests only invoke functions."""
        runner = SamLambdaRunner(self.runtime, log=print)  # a failing function shows its traceback
        service = LocalHttpApi(api=self._resolved_api, lambda_runner=runner, port=3000)  # type: ignore[arg-type]
        service.authorizer_cache_seconds = authorizer_cache_seconds(self._parameters)
        # boxoffice's clock (one module shared by every environment): tests move time, and the cache follows.
        authorizer = self.runtime.environment("AuthorizerFunction")
        service.clock = authorizer.module("boxoffice.clock", to_patch=False).clock.time  # type: ignore[method-assign]
        service.create()
        return service

    @functools.cached_property
    def api(self) -> ApiClient:
        return ApiClient(self.service)

    @functools.cached_property
    def events(self) -> EventPlumbing:
        """The streams and the bus (local.events), read from the start of every stream."""
        clients = {service: moto_client(service) for service in ("dynamodb", "dynamodbstreams", "events", "sqs")}
        return EventPlumbing(self.runtime, clients, local_table_names(), from_start=True)

    def deliver_events(self) -> int:
        """Everything that follows from the changes made so far: stream records published as events, and the
        events handed to their consumers (which may make more), until nothing moves."""
        return self.events.drain()

    def lapse_authorizer_cache(self) -> None:
        """Move boxoffice's clock past AuthorizerCacheSeconds: every cached authorization has ended."""
        from boxoffice.clock import clock

        clock.advance(self.service.authorizer_cache_seconds + 1)

    def module(self, logical_id: str, name: str) -> Any:
        """The function's own copy of a module, to patch faults into (e.g. a crash after the charge)."""
        return self.runtime.environment(logical_id).module(name)

    def _vouched(self, logical_id: str, identity: dict[str, str]) -> dict[str, Any]:
        from boxoffice.clock import now_epoch

        issued = int(identity.get("iat", now_epoch()))
        context: dict[str, Any] = {"iat": issued, "exp": issued + VOUCHED_SESSION_SECONDS, **identity}
        recheck = revocation_routes().get(_route_key(logical_id))
        held = str(context.get("permissions", "")).split()
        if recheck is None or (recheck != "next-request" and recheck.split(":", 1)[1] not in held):
            return context
        if context["sub"] not in self._accounts:
            self._accounts.add(str(context["sub"]))
            self._make_account(context, held)
        return context

    def _make_account(self, context: dict[str, Any], permissions: list[str]) -> None:
        """The account a made-up context speaks for; an account of that id made otherwise stays as it is."""
        dynamodb = self._aws.dynamodb
        with suppress(dynamodb.exceptions.ConditionalCheckFailedException):
            dynamodb.put_item(
                TableName=self._aws.tables["UsersTable"],
                Item={
                    "user_id": {"S": str(context["sub"])},
                    "kind": {"S": "USER"},
                    "username": {"S": str(context.get("username") or context["sub"])},
                    "first_name": {"S": "Test"},
                    "last_name": {"S": "Caller"},
                    "email": {"S": f"{context['sub']}@example.com"},
                    "account_type": {"S": "staff"},
                    "permissions": {"L": [{"S": name} for name in permissions]},
                    "session_timeout_minutes": {"N": str(VOUCHED_SESSION_SECONDS // 60)},
                    "enabled": {"BOOL": True},
                    "sessions_valid_after": {"N": "0"},
                    "created_at": {"N": str(context.get("created", 0))},
                    "updated_at": {"N": "0"},
                },
                ConditionExpression="attribute_not_exists(user_id)",
            )

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        """Call one function directly with an event, as Lambda would."""
        return self.runtime.invoke(logical_id, event)

    def call(
        self,
        logical_id: str,
        *,
        path: dict[str, str] | None = None,
        body: Any = None,
        query: dict[str, str] | None = None,
        identity: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Invoke an API function directly (no gateway, no authorizer) with its sample event, reshaped.

        `identity` is the authorizer's context (ADMIN_CONTEXT unless given), completed as the authorizer makes it
        (`iat`, `exp`); where the route judges the caller's account anew (`x-revocation`), the account is made
        first, once, with the context's permissions: the authorizer only ever vouches for an account."""
        identity = self._vouched(logical_id, identity or ADMIN_CONTEXT)
        event = request_event(logical_id, path=path, body=body, query=query, identity=identity, headers=headers)
        answer = self.invoke(logical_id, event)
        text = answer.get("body") or ""
        headers = answer.get("headers", {})
        is_json = "json" in str(headers.get("Content-Type", "application/json"))
        return Response(
            status=answer["statusCode"],
            headers=headers,
            body=json.loads(text) if text and is_json else None,
            text=text,
        )


# The session of the accounts call() makes for the contexts it is given: longer than any test's token needs.
VOUCHED_SESSION_SECONDS = 1440 * 60


@functools.cache
def _route_key(logical_id: str) -> str:
    """The function's route, read from its sample event once per process (call() is the tests' hottest path)."""
    return str(request_event(logical_id)["routeKey"])


@functools.cache
def revocation_routes() -> dict[str, str]:
    """Route key -> its `x-revocation` (docs/openapi.json, made from the routes' declarations)."""
    from local.runtime import PROJECT_ROOT

    document = json.loads((PROJECT_ROOT / "docs" / "openapi.json").read_text())
    return {
        f"{method.upper()} {path}": operation["x-revocation"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "x-revocation" in operation
    }


# Observers of the requests MotoTransport serves: each takes (service, operation, params).
_EDGE_OBSERVERS: list[Any] = []
_EDGE_SERVICES = {"DynamoDB_20120810": "dynamodb", "TrentService": "kms"}


class MotoTransport:
    """boxoffice.edge's transport under moto: a signed AWS request goes to moto's request handler as bytes (as
    moto serves the SDK's), anything else (a JWKS document on loopback) over real HTTP."""

    def __init__(self) -> None:
        self._http: Any = None

    def __call__(self, method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        from botocore.awsrequest import AWSPreparedRequest
        from botocore.compat import HTTPHeaders
        from moto.core.models import botocore_stubber

        if ".amazonaws.com" not in url:
            if self._http is None:  # made inside the function's environment, where boxoffice is importable
                from boxoffice.edge.aws import HttpTransport

                self._http = HttpTransport()
            return self._http(method, url, headers, body)
        target = headers.get("X-Amz-Target", "")
        prefix, _, operation = target.partition(".")
        for observe in _EDGE_OBSERVERS:
            observe(_EDGE_SERVICES.get(prefix, prefix), operation, json.loads(body or b"{}"))
        prepared_headers = HTTPHeaders()
        for name, value in headers.items():
            prepared_headers[name] = value
        request = AWSPreparedRequest(method, url, prepared_headers, body, stream_output=False)
        status, _, answer = botocore_stubber.process_request(request)
        return status, answer if isinstance(answer, bytes) else str(answer).encode()


class AwsCallCounter:
    """Counts the AWS API calls made in process (every function shares botocore), by (service, operation)."""

    def __init__(self) -> None:
        from collections import Counter

        self.calls: Counter[tuple[str, str]] = Counter()
        self.log: list[tuple[str, str, dict]] = []
        self._original: Any = None

    def __enter__(self) -> AwsCallCounter:
        from botocore.client import BaseClient

        self._original = BaseClient._make_api_call
        counter = self

        def counting(client: Any, operation_name: str, api_params: Any) -> Any:
            counter.calls[(client.meta.service_model.service_name, operation_name)] += 1
            counter.log.append((client.meta.service_model.service_name, operation_name, api_params))
            return counter._original(client, operation_name, api_params)

        BaseClient._make_api_call = counting  # type: ignore[method-assign]
        _EDGE_OBSERVERS.append(self._observe)
        return self

    def _observe(self, service: str, operation: str, params: dict) -> None:
        """A request boxoffice.edge made without the SDK (the authorizer's), counted like the others."""
        self.calls[(service, operation)] += 1
        self.log.append((service, operation, params))

    def __exit__(self, *exc: object) -> None:
        from botocore.client import BaseClient

        BaseClient._make_api_call = self._original  # type: ignore[method-assign]
        _EDGE_OBSERVERS.remove(self._observe)

    def reset(self) -> None:
        self.calls.clear()
        self.log.clear()

    def of(self, service: str) -> dict[str, int]:
        return {operation: count for (name, operation), count in self.calls.items() if name == service}

    def total(self, service: str) -> int:
        return sum(self.of(service).values())
