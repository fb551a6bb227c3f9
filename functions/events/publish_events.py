"""The outbox relay: the tables' streams in, domain events out on the bus (boxoffice.events.publish)."""

from typing import Any

from boxoffice.events.publish import relay
from boxoffice.observability import logger, metrics
from boxoffice.tracing import tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    return relay(event.get("Records") or [])
