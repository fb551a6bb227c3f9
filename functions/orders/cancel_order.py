"""DELETE /orders/{order_id}: cancel a live hold; its chairs are free at once."""

from boxoffice import permissions
from boxoffice.booking import orders
from boxoffice.booking.schemas import OrderOut
from boxoffice.http import CurrentIdentity, Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.delete(
    "/orders/<order_id>",
    needs=(permissions.ORDERS_CREATE, permissions.ORDERS_MANAGE),
    answers={404: "No such order (or not yours)", 409: "HOLD_EXPIRED or ORDER_PAID"},
    summary="Cancel a hold",
    tags=["orders"],
)
def cancel_order(order_id: OpaqueId, identity: CurrentIdentity) -> OrderOut:
    return orders.cancel(order_id, identity)


lambda_handler = lambda_handler_for(router)
