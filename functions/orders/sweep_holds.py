"""Every minute (EventBridge Scheduler): expire lapsed holds and free their chairs (boxoffice.booking.sweeper)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from boxoffice.booking.sweeper import sweep
from boxoffice.observability import logger, metrics
from boxoffice.payments.charges import refund_orphan_charge
from boxoffice.tracing import tracer


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    # A hold that lapsed while its payment was half done may have been charged: refund it.
    return sweep(settle_charge=refund_orphan_charge)
