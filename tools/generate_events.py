"""Write tests/events/<Function>.json: one sample event per function of template.yaml.

API functions get the SAM CLI's own `http-api-proxy` sample (what `sam local
generate-event apigateway http-api-proxy` prints), shaped to the function's
route, with the context our authorizer passes; scheduled functions get the
`cloudwatch scheduled-event` sample; the authorizer gets a payload 2.0 REQUEST
event. Component tests start from these, and `sam local invoke -e` takes them
where Docker runs.

    python -m tools.generate_events          # write
    python -m tools.generate_events --check  # fail if any is out of date
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from local.template import PROJECT_ROOT, resources_of_type
from tools.factories import CUSTOMER_PERMISSIONS
from tools.generated import render_json, write_or_check

EVENTS_DIR = PROJECT_ROOT / "tests" / "events"
SAMPLE_IDENTITY = {"sub": "user-0001", "username": "sample", "permissions": CUSTOMER_PERMISSIONS}


def _sam_event(service: str, event_type: str, values: dict[str, str]) -> dict[str, Any]:
    from samcli.lib.generated_sample_events.events import Events

    return json.loads(Events().generate_event(service, event_type, values))


def api_event(method: str, path: str) -> dict[str, Any]:
    event = _sam_event(
        "apigateway",
        "http-api-proxy",
        {
            "method": method,
            "path": path.lstrip("/"),
            "account_id": "123456789012",
            "dns_suffix": "us-east-1.amazonaws.com",
            "stage": "$default",
        },
    )
    parameters = {name: f"sample-{name}" for name in re.findall(r"{(\w+)}", path)}
    raw_path = path
    for name, value in parameters.items():
        raw_path = raw_path.replace("{" + name + "}", value)
    route_key = f"{method} {path}"
    event.update(
        routeKey=route_key,
        rawPath=raw_path,
        rawQueryString="",
        headers={"content-type": "application/json", "user-agent": "sample"},
        pathParameters=parameters or None,
        body="{}" if method in ("POST", "PUT") else None,
        isBase64Encoded=False,
    )
    for key in ("cookies", "queryStringParameters", "stageVariables"):
        event.pop(key, None)
    context = event["requestContext"]
    context.pop("authentication", None)
    context.update(routeKey=route_key, authorizer={"lambda": dict(SAMPLE_IDENTITY)})
    context["http"]["path"] = raw_path
    return event


def authorizer_event() -> dict[str, Any]:
    return {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": "arn:aws:execute-api:us-east-1:123456789012:api-id/$default/GET/movies",
        "identitySource": ["Bearer sample-token", "GET /movies"],
        "routeKey": "GET /movies",
        "rawPath": "/movies",
        "rawQueryString": "",
        "headers": {"authorization": "Bearer sample-token"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api-id",
            "domainName": "id.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "id",
            "http": {
                "method": "GET",
                "path": "/movies",
                "protocol": "HTTP/1.1",
                "sourceIp": "192.168.0.1",
                "userAgent": "sample",
            },
            "requestId": "id",
            "routeKey": "GET /movies",
            "stage": "$default",
            "time": "12/Mar/2020:19:03:58 +0000",
            "timeEpoch": 1583348638390,
        },
    }


def events() -> dict[str, dict[str, Any]]:
    """The sample event of every function, by logical id."""
    samples = {}
    for logical_id, resource in resources_of_type("AWS::Serverless::Function").items():
        declared = resource["Properties"].get("Events") or {}
        api = next((event for event in declared.values() if event["Type"] == "HttpApi"), None)
        scheduled = next((event for event in declared.values() if event["Type"] in ("Schedule", "ScheduleV2")), None)
        if api:
            samples[logical_id] = api_event(api["Properties"]["Method"].upper(), api["Properties"]["Path"])
        elif scheduled:
            values = {"region": "us-east-1", "rule": logical_id, "account_id": "123456789012", "partition": "aws"}
            samples[logical_id] = _sam_event("cloudwatch", "scheduled-event", values)
        else:
            samples[logical_id] = authorizer_event()
    return samples


def main() -> int:
    return write_or_check(
        __doc__.splitlines()[0],
        "tests/events",
        "make events",
        lambda: {EVENTS_DIR / f"{logical_id}.json": render_json(event) for logical_id, event in events().items()},
        owned=lambda: EVENTS_DIR.glob("*.json"),
    )


def request_event(
    logical_id: str,
    *,
    path: dict[str, str] | None = None,
    body: Any = None,
    query: dict[str, str] | None = None,
    identity: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API function's sample event as API Gateway would send it for this request, after the authorizer."""
    event = json.loads((EVENTS_DIR / f"{logical_id}.json").read_text())
    raw_path = event["routeKey"].split(" ", 1)[1]
    for name, value in (path or {}).items():
        raw_path = raw_path.replace("{" + name + "}", value)
    event.update(
        rawPath=raw_path,
        pathParameters=path or None,
        body=json.dumps(body) if body is not None else None,
        queryStringParameters=query or None,
        rawQueryString="&".join(f"{key}={value}" for key, value in (query or {}).items()),
    )
    event["headers"].update({name.lower(): value for name, value in (headers or {}).items()})
    event["requestContext"]["http"]["path"] = raw_path
    if identity is not None:
        event["requestContext"]["authorizer"]["lambda"] = identity
    return event


if __name__ == "__main__":
    sys.exit(main())
