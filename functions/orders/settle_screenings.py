"""Every minute (EventBridge Scheduler): settle cancelled screenings (boxoffice.payments.settlement)."""

from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from boxoffice.observability import logger, metrics
from boxoffice.payments.settlement import settle_pending
from boxoffice.tracing import tracer


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Stop taking new orders when less than 10 s are left; the next run goes on from there.
    return asdict(settle_pending(lambda: context.get_remaining_time_in_millis() / 1000))
