"""The Lambda REQUEST authorizer in front of every non-public route (see boxoffice.edge.authorizer).

Its imports are the standard library's and boxoffice.edge's only: Lambda's own
JSON log format (LoggingConfig in the template) structures its logs, extra
fields included, and a metric filter on them counts the rejected tokens.
"""

import logging
from typing import Any

from boxoffice.edge import aws
from boxoffice.edge.authorizer import Unauthenticated, authorize

logger = logging.getLogger("boxoffice.authorizer")
logger.setLevel(logging.INFO)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        return authorize(event)
    except Unauthenticated as reason:
        # Never the token itself: why it was refused, and where.
        logger.info("token rejected", extra={"reason": str(reason), "route": event.get("routeKey")})
        # The exact message API Gateway turns into 401 Unauthorized.
        raise Exception("Unauthorized") from None
    except aws.AwsError as failure:
        logger.error("authorizer dependency failed", extra={"code": failure.code})
        raise
