"""What an AWS failure means for the client: retry later (503), slow down (429), or a bug (502).

DynamoDB and KMS fail in a handful of transient ways: throttling, internal
errors, transaction conflicts, timeouts. None of them is the client's fault
and all of them are safe to retry, because every state change here is one
conditional write or one transaction: it happened entirely or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from boxoffice.errors import DomainError, TooManyRequests, Unavailable

THROTTLING = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "ThrottlingError",
    }
)
TRANSIENT = frozenset(
    {
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "TransactionConflictException",
        "TransactionConflict",
        "TransactionInProgressException",
        "RequestTimeout",
        "RequestTimeoutException",
        "KMSInternalException",
        "DependencyTimeoutException",
    }
)
_TIMEOUTS = (ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError, ConnectionClosedError)
RETRY_AFTER_SECONDS = "1"


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen or len(seen) > 20:
            continue
        seen.add(id(current))
        yield current
        pending += [getattr(current, "cause", None), current.__cause__, current.__context__]


def _codes(error: BaseException) -> Iterator[str]:
    if isinstance(error, ClientError):
        yield str(error.response.get("Error", {}).get("Code", ""))
        for reason in error.response.get("CancellationReasons") or []:
            yield str((reason or {}).get("Code", ""))
    for reason in getattr(error, "cancellation_reasons", None) or []:
        yield str(getattr(reason, "code", "") or "")
    for failure in (getattr(error, "failures", None) or {}).values():
        yield str(getattr(failure, "code", "") or "")


def as_client_answer(error: BaseException) -> DomainError | None:
    """The answer a client should get for an infrastructure failure, or None if it is not one."""
    codes: set[str] = set()
    timed_out = False
    for cause in _chain(error):
        codes.update(_codes(cause))
        timed_out = timed_out or isinstance(cause, _TIMEOUTS)
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    if codes & THROTTLING:
        return TooManyRequests("The service is busy; retry shortly", code="THROTTLED", headers=headers)
    if codes & TRANSIENT or timed_out:
        return Unavailable(
            "A dependency failed for a moment; nothing was half done, retry",
            code="SERVICE_UNAVAILABLE",
            headers=headers,
        )
    return None
