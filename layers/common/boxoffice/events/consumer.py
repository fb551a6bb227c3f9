"""The Lambda entry point of an event consumer: one domain event from the bus, applied once by its id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from boxoffice.events.derive import SOURCE
from boxoffice.events.kinds import KINDS
from boxoffice.observability import logger, metrics
from boxoffice.tracing import tracer

Apply = Callable[[str, dict[str, Any]], Any]


def consumer_handler(apply: Apply) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """`apply(detail_type, detail)` for each event EventBridge brings; an exception makes EventBridge retry
    (RetryPolicy) and then dead-letter the event, which is why every `apply` is idempotent."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE, clear_state=True)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        detail_type, detail = event.get("detail-type", ""), event.get("detail") or {}
        if event.get("source") != SOURCE or detail_type not in KINDS or not detail.get("event_id"):
            logger.warning("not a Boxoffice domain event: ignored", extra={"detail_type": detail_type})
            return {"applied": False}
        logger.append_keys(event_id=detail["event_id"], detail_type=detail_type)
        return {"applied": apply(detail_type, detail)}

    return handler
