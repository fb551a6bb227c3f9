"""POST /orders/{order_id}/payment: pay a hold with its confirmation id, exactly once (Idempotency-Key)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header

from boxoffice import permissions
from boxoffice.booking.schemas import IdempotencyKey, OrderOut
from boxoffice.errors import BadRequest
from boxoffice.http import CurrentIdentity, Router, lambda_handler_for
from boxoffice.payments.pay import PaymentRequest, pay
from boxoffice.payments.schemas import PaymentIn
from boxoffice.schemas import OpaqueId

router = Router()


@router.post(
    "/orders/<order_id>/payment",
    needs=(permissions.ORDERS_CREATE, permissions.ORDERS_MANAGE),
    recheck_account=permissions.ORDERS_MANAGE,
    answers={
        400: "IDEMPOTENCY_KEY_REQUIRED",
        402: "PAYMENT_DECLINED",
        403: "WRONG_CONFIRMATION_ID, or BOX_OFFICE_ONLY (cash and card_present need orders:manage)",
        404: "No such order (or not yours)",
        409: "HOLD_EXPIRED, SCREENING_STARTED, ALREADY_PAID, PAYMENT_IN_PROGRESS, ORDER_CANCELLED or ORDER_REFUNDED",
        502: "PAYMENT_PROVIDER_FAILED (nothing charged; retry)",
    },
    summary="Pay a hold",
    tags=["payments"],
    description="Retrying with the same Idempotency-Key returns the first answer and charges nothing more.",
)
def pay_order(
    order_id: OpaqueId,
    body: PaymentIn,
    identity: CurrentIdentity,
    idempotency_key: Annotated[IdempotencyKey | None, Header(alias="Idempotency-Key")] = None,
) -> OrderOut:
    if idempotency_key is None:
        raise BadRequest(
            "A payment needs an Idempotency-Key header (any unique string of 8-128 characters)",
            code="IDEMPOTENCY_KEY_REQUIRED",
        )
    request = PaymentRequest(
        user_id=identity.user_id,
        order_id=order_id,
        idempotency_key=idempotency_key,
        confirmation_id=body.confirmation_id,
        payment_method=body.payment_method,
        manages_orders=identity.can(permissions.ORDERS_MANAGE),
        username=identity.username,
    )
    return pay(request, router.lambda_context)


lambda_handler = lambda_handler_for(router)
