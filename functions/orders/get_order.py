"""GET /orders/{order_id}: one order, its status as of now (a lapsed hold reads EXPIRED)."""

from boxoffice import permissions
from boxoffice.booking import orders
from boxoffice.booking.schemas import OrderOut
from boxoffice.http import CurrentIdentity, Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/orders/<order_id>",
    needs=(permissions.ORDERS_CREATE, permissions.ORDERS_VIEW_ALL),
    answers={404: "No such order (or not yours)"},
    summary="Read an order",
    tags=["orders"],
)
def get_order(order_id: OpaqueId, identity: CurrentIdentity) -> OrderOut:
    return orders.get(order_id, identity)


lambda_handler = lambda_handler_for(router)
