"""What every model shares: table names and endpoints read from settings when first used.

PynamoDB reads `Meta.table_name` (and region/host) each time it needs a
connection, so these descriptors keep import free of environment reads and
let tests point a model at another table by resetting the settings.
"""

from __future__ import annotations

from typing import Any

from boxoffice.aws import SDK_CONFIG
from boxoffice.settings import get_settings


class TableName:
    def __init__(self, table: str) -> None:
        self.table = table

    def __get__(self, instance: object, owner: type) -> str:
        return get_settings().table(self.table)


class _Region:
    def __get__(self, instance: object, owner: type) -> str:
        return get_settings().region


class _Host:
    def __get__(self, instance: object, owner: type) -> str | None:
        return get_settings().aws_endpoint


class BaseMeta:
    """Connection settings, chosen with the SDK's: ~1 s to connect, ~2 s to read, 3 attempts."""

    region: Any = _Region()
    host: Any = _Host()
    connect_timeout_seconds = int(SDK_CONFIG.connect_timeout)
    read_timeout_seconds = int(SDK_CONFIG.read_timeout)
    max_retry_attempts = 2
    max_pool_connections = 10
