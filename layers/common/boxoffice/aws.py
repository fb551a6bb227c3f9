"""AWS clients, built on first use and shared by a warm Lambda environment.

The SDK picks endpoints from the standard variables (AWS_ENDPOINT_URL_DYNAMODB,
AWS_ENDPOINT_URL_KMS, ...), so the same code talks to AWS, moto or anything
compatible; with Stage=local the template's LOCAL_AWS_ENDPOINT names the
embedded server. Timeouts and retries are chosen with the Lambda (10 s) and API Gateway
(30 s) timeouts: at most 3 attempts of at most ~3 s each leave room to answer.
"""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

from boxoffice.settings import get_settings

SDK_CONFIG = Config(
    connect_timeout=1,
    read_timeout=2,
    retries={"mode": "standard", "total_max_attempts": 3},
)


@functools.cache
def client(service: str) -> Any:
    settings = get_settings()
    return boto3.session.Session().client(
        service, region_name=settings.region, endpoint_url=settings.aws_endpoint, config=SDK_CONFIG
    )


def reset_clients() -> None:
    client.cache_clear()
