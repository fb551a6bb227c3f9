"""POST /orders: hold chairs of a screening, all or none, for HoldSeconds."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header

from boxoffice import permissions
from boxoffice.booking import orders
from boxoffice.booking.schemas import HoldIn, IdempotencyKey, OrderOut
from boxoffice.http import ClientAddress, CurrentIdentity, Router, lambda_handler_for

router = Router()


@router.post(
    "/orders",
    needs=(permissions.ORDERS_CREATE, permissions.ORDERS_MANAGE),
    recheck_account=permissions.ORDERS_MANAGE,
    answers={
        200: "The same order again (a retry with the same Idempotency-Key)",
        403: "Selling for a member needs orders:manage",
        404: "No such screening, chair or member",
        409: "CHAIR_UNAVAILABLE (naming the chairs) or SCREENING_STARTED",
        429: "TOO_MANY_HELD_CHAIRS, RATE_LIMITED, ADDRESS_HOLD_LIMIT or NEW_ACCOUNT_SHARE",
    },
    status_code=201,
    summary="Hold chairs (an order)",
    tags=["orders"],
    description="409 CHAIR_UNAVAILABLE names the chairs that were taken; a retry with the same Idempotency-Key "
    "returns the same order (200).",
)
def place_order(
    body: HoldIn,
    identity: CurrentIdentity,
    client_address: ClientAddress,
    idempotency_key: Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")] = None,
) -> Response[OrderOut]:
    order, created = orders.place_hold(identity, body, idempotency_key, client_address)
    return Response(status_code=201 if created else 200, content_type=content_types.APPLICATION_JSON, body=order)


lambda_handler = lambda_handler_for(router)
