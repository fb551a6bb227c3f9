"""Every minute: try again the webhook deliveries whose wait is over (boxoffice.events.webhooks)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from boxoffice.events.webhooks import retry_due
from boxoffice.observability import logger, metrics
from boxoffice.tracing import tracer


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    return retry_due()
