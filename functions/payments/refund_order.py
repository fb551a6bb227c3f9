"""POST /orders/{order_id}/refund: chairs of a paid order (or all) back and free; customers until the cut-off."""

from boxoffice import permissions
from boxoffice.booking.schemas import OrderOut
from boxoffice.http import ALWAYS, CurrentIdentity, Router, lambda_handler_for
from boxoffice.payments.refunds import refund
from boxoffice.payments.schemas import RefundIn
from boxoffice.schemas import OpaqueId

router = Router()


@router.post(
    "/orders/<order_id>/refund",
    needs=(permissions.ORDERS_CREATE, permissions.ORDERS_MANAGE),
    recheck_account=ALWAYS,
    answers={
        404: "No such order (or not yours)",
        409: "NOT_PAID, REFUND_WINDOW_CLOSED, ALREADY_REFUNDED (some of the chairs), ORDER_CHANGED",
        422: "CHAIRS_NOT_IN_ORDER, or a malformed body",
        503: "REFUND_PENDING: recorded, the provider did not answer; call again to finish it",
    },
    summary="Refund a paid order, or some of its chairs",
    tags=["payments"],
)
def refund_order(order_id: OpaqueId, identity: CurrentIdentity, body: RefundIn | None = None) -> OrderOut:
    return refund(order_id, identity, body.chairs if body else None)


lambda_handler = lambda_handler_for(router)
