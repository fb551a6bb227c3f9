"""POST /orders/{order_id}/refund: a paid order back, its chairs free; customers until the cut-off."""

from boxoffice import permissions
from boxoffice.booking.schemas import OrderOut
from boxoffice.http import CurrentIdentity, Router, lambda_handler_for
from boxoffice.payments.refunds import refund
from boxoffice.schemas import OpaqueId

router = Router()


@router.post(
    "/orders/<order_id>/refund",
    needs=(permissions.ORDERS_CREATE, permissions.ORDERS_MANAGE),
    answers={404: "No such order (or not yours)", 409: "NOT_PAID or REFUND_WINDOW_CLOSED"},
    summary="Refund a paid order",
    tags=["payments"],
)
def refund_order(order_id: OpaqueId, identity: CurrentIdentity) -> OrderOut:
    return refund(order_id, identity)


lambda_handler = lambda_handler_for(router)
