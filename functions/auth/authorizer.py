"""The Lambda REQUEST authorizer in front of every non-public route (see boxoffice.auth.authorizer)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths

from boxoffice.auth.authorizer import Unauthenticated, authorize
from boxoffice.observability import MetricUnit, logger, metrics


def decide(event: dict[str, Any]) -> dict[str, Any] | None:
    """The simple response, or None when the caller is not authenticated."""
    try:
        return authorize(event)
    except Unauthenticated as reason:
        logger.info("token rejected", extra={"reason": str(reason), "route": event.get("routeKey")})
        metrics.add_metric(name="TokensRejected", unit=MetricUnit.Count, value=1)
        return None


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    decision = decide(event)
    if decision is None:
        # The exact message API Gateway turns into 401 Unauthorized.
        raise Exception("Unauthorized")
    return decision
