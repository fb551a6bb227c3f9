"""Two AWS JSON-protocol calls without the SDK: Signature Version 4 and one kept-alive connection per endpoint.

DynamoDB (JSON 1.0) and KMS (JSON 1.1) both take a POST of JSON to `/` with
an `X-Amz-Target` naming the operation. Signing follows the SigV4 spec and is
tested against botocore's own signer; endpoints and credentials come from
the same variables the SDK reads (Lambda sets the credentials; `make run`
names the embedded server with LOCAL_AWS_ENDPOINT when STAGE is local).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 2
_ATTEMPTS = 3
_PROTOCOLS = {
    "dynamodb": ("application/x-amz-json-1.0", "DynamoDB_20120810"),
    "kms": ("application/x-amz-json-1.1", "TrentService"),
}
_RETRYABLE = ("ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded")

# (method, url, headers, body) -> (status, body): http.client by default; the in-process tests give moto's.
Transport = Callable[[str, str, dict[str, str], bytes], tuple[int, bytes]]


class AwsError(Exception):
    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.status = code, status


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def sign_v4(
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    service: str,
    region: str,
    access_key: str,
    secret_key: str,
    session_token: str | None,
    now: dt.datetime,
) -> dict[str, str]:
    """The headers of a request signed with SigV4 (every header given is signed, as botocore does)."""
    parts = urlsplit(url)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    signed = {name.lower(): " ".join(str(value).split()) for name, value in headers.items()}
    signed["host"] = parts.netloc
    signed["x-amz-date"] = amz_date
    if session_token:
        signed["x-amz-security-token"] = session_token
    names = sorted(signed)
    canonical = "\n".join(
        [
            method,
            parts.path or "/",
            parts.query,
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret_key).encode(), amz_date[:8]), region), service), "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    authorization = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    answer = {name: value for name, value in headers.items()}
    answer.update({"X-Amz-Date": amz_date, "Authorization": authorization})
    if session_token:
        answer["X-Amz-Security-Token"] = session_token
    return answer


class HttpTransport:
    """One kept-alive connection per endpoint (a warm environment reuses it); a dropped one is made anew."""

    def __init__(self) -> None:
        self._connections: dict[str, http.client.HTTPConnection] = {}

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        key = f"{scheme}://{netloc}"
        if key not in self._connections:
            kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            self._connections[key] = kind(netloc, timeout=CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS)
        return self._connections[key]

    def __call__(self, method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        parts = urlsplit(url)
        for attempt in (1, 2):
            connection = self._connection(parts.scheme, parts.netloc)
            try:
                connection.request(method, parts.path or "/", body=body, headers=headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                self._connections.pop(f"{parts.scheme}://{parts.netloc}", None)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


transport: Transport = HttpTransport()


def endpoint(service: str, environ: Mapping[str, str] = os.environ) -> str:
    if environ.get("STAGE") == "local" and environ.get("LOCAL_AWS_ENDPOINT"):
        return environ["LOCAL_AWS_ENDPOINT"].rstrip("/") + "/"
    specific = environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or environ.get("AWS_ENDPOINT_URL")
    if specific:
        return specific.rstrip("/") + "/"
    return f"https://{service}.{region(environ)}.amazonaws.com/"


def region(environ: Mapping[str, str] = os.environ) -> str:
    return environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def call(service: str, operation: str, payload: dict[str, Any]) -> dict[str, Any]:
    """One AWS JSON-protocol call, signed; throttling and 5xx retried (three attempts, as the SDK's standard
    mode); any other failure raised as AwsError."""
    content_type, target_prefix = _PROTOCOLS[service]
    body = json.dumps(payload, separators=(",", ":")).encode()
    url = endpoint(service)
    for attempt in range(1, _ATTEMPTS + 1):
        headers = sign_v4(
            method="POST",
            url=url,
            headers={"Content-Type": content_type, "X-Amz-Target": f"{target_prefix}.{operation}"},
            body=body,
            service=service,
            region=region(),
            access_key=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
            secret_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
            session_token=os.environ.get("AWS_SESSION_TOKEN"),
            now=dt.datetime.now(dt.UTC),
        )
        status, answer = transport("POST", url, headers, body)
        parsed = json.loads(answer) if answer else {}
        if status == 200:
            return dict(parsed)
        code = str(parsed.get("__type", "")).rsplit("#", 1)[-1] or f"HTTP{status}"
        if attempt < _ATTEMPTS and (status >= 500 or code in _RETRYABLE):
            time.sleep(0.05 * 2**attempt)
            continue
        raise AwsError(code, str(parsed.get("message") or parsed.get("Message") or ""), status)
    raise AssertionError("unreachable")


def https_get_json(url: str) -> dict[str, Any]:
    """A public JSON document (a Cognito pool's JWKS) over HTTPS."""
    status, answer = transport("GET", url, {"Accept": "application/json"}, b"")
    if status != 200:
        raise AwsError(f"HTTP{status}", url, status)
    return dict(json.loads(answer))
