"""GET /orders: your orders newest first; with orders:view-all, anyone's by screening or member; either by status."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from boxoffice import permissions
from boxoffice.booking import orders
from boxoffice.booking.schemas import OrderOut, OrderStatus
from boxoffice.http import CurrentIdentity, Router, lambda_handler_for
from boxoffice.schemas import Cursor, Limit, OpaqueId, Page

router = Router()


@router.get(
    "/orders", needs=(permissions.ORDERS_CREATE, permissions.ORDERS_VIEW_ALL), summary="List orders", tags=["orders"]
)
def list_orders(
    identity: CurrentIdentity,
    status: Annotated[OrderStatus | None, Query()] = None,
    screening_id: Annotated[OpaqueId | None, Query()] = None,
    member_id: Annotated[OpaqueId | None, Query(description="A member's box office orders")] = None,
    limit: Annotated[Limit, Query()] = 20,
    cursor: Annotated[Cursor | None, Query()] = None,
) -> Page[OrderOut]:
    return orders.list_page(identity, limit, cursor, status, screening_id, member_id)


lambda_handler = lambda_handler_for(router)
