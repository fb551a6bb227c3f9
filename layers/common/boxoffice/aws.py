"""AWS clients, built on first use and shared by a warm Lambda environment.

The SDK picks endpoints from the standard variables (AWS_ENDPOINT_URL_DYNAMODB,
AWS_ENDPOINT_URL_KMS, ...), so the same code talks to AWS, moto or anything
compatible; with Stage=local the template's LOCAL_AWS_ENDPOINT names the
embedded server. Timeouts and retries are chosen with the Lambda (10 s) and API Gateway
(30 s) timeouts: at most 3 attempts of at most ~3 s each leave room to answer.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

import botocore.session
from botocore.config import Config

from boxoffice.settings import get_settings

CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 2
SDK_CONFIG = Config(
    connect_timeout=CONNECT_TIMEOUT_SECONDS,
    read_timeout=READ_TIMEOUT_SECONDS,
    retries={"mode": "standard", "total_max_attempts": 3},
)


_sessions = threading.local()


def botocore_session() -> botocore.session.Session:
    """One botocore session per thread, shared by every client and every PynamoDB model.

    A session loads the SDK's service descriptions once; a session per client
    (PynamoDB's default is one per model) repeats that work on every cold start.
    Sessions are per thread because botocore's client creation is not thread-safe.
    """
    if getattr(_sessions, "session", None) is None:
        _sessions.session = botocore.session.get_session()
    return _sessions.session


@functools.cache
def client(service: str) -> Any:
    """A botocore client (boto3's session adds nothing here but ~80 ms of imports to every cold start)."""
    settings = get_settings()
    return botocore_session().create_client(
        service, region_name=settings.region, endpoint_url=settings.aws_endpoint, config=SDK_CONFIG
    )


def reset_clients() -> None:
    client.cache_clear()
