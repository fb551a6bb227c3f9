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

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from local.template import PROJECT_ROOT, resources_of_type

EVENTS_DIR = PROJECT_ROOT / "tests" / "events"
SAMPLE_IDENTITY = {"sub": "user-0001", "username": "sample", "permissions": "movies:view screenings:view orders:create"}


def _sam_event(service: str, event_type: str, values: dict[str, str]) -> dict[str, Any]:
    from samcli.lib.generated_sample_events.events import Events

    return json.loads(Events().generate_event(service, event_type, values))


def api_event(method: str, path: str) -> dict[str, Any]:
    event = _sam_event("apigateway", "http-api-proxy", {
        "method": method, "path": path.lstrip("/"), "account_id": "123456789012",
        "dns_suffix": "us-east-1.amazonaws.com", "stage": "$default",
    })
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
            "http": {"method": "GET", "path": "/movies", "protocol": "HTTP/1.1", "sourceIp": "192.168.0.1",
                     "userAgent": "sample"},
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
        scheduled = next(
            (event for event in declared.values() if event["Type"] in ("Schedule", "ScheduleV2")), None
        )
        if api:
            samples[logical_id] = api_event(api["Properties"]["Method"].upper(), api["Properties"]["Path"])
        elif scheduled:
            values = {"region": "us-east-1", "rule": logical_id, "account_id": "123456789012", "partition": "aws"}
            samples[logical_id] = _sam_event("cloudwatch", "scheduled-event", values)
        else:
            samples[logical_id] = authorizer_event()
    return samples


def render(event: dict[str, Any]) -> str:
    return json.dumps(event, indent=2, sort_keys=True) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    arguments = parser.parse_args()
    expected = {EVENTS_DIR / f"{logical_id}.json": render(event) for logical_id, event in events().items()}
    if arguments.check:
        stale = [path.name for path, text in expected.items() if not path.exists() or path.read_text() != text]
        extra = [path.name for path in EVENTS_DIR.glob("*.json") if path not in expected]
        if stale or extra:
            print(f"tests/events is out of date (run `make events`): {stale + extra}", file=sys.stderr)
            return 1
        return 0
    EVENTS_DIR.mkdir(parents=True, exist_ok=True)
    for path in EVENTS_DIR.glob("*.json"):
        if path not in expected:
            path.unlink()
    for path, text in expected.items():
        Path(path).write_text(text)
    print(f"wrote {len(expected)} events to {EVENTS_DIR.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
