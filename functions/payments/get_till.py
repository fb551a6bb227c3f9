"""GET /box-office/till?venue_id=&date=YYYY-MM-DD&staff_id=: a venue's business day at the box office, per staff
member, payment method and currency."""

from datetime import date as Date  # `date` is the query parameter's name
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from boxoffice import permissions
from boxoffice.http import ALWAYS, Router, lambda_handler_for
from boxoffice.payments import till
from boxoffice.payments.schemas import TillOut
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/box-office/till",
    needs=permissions.ORDERS_MANAGE,
    recheck_account=ALWAYS,
    answers={422: "A missing or malformed date, or an unknown parameter"},
    summary="A venue's business day at the till: sales, refunds and net per staff member, method and currency",
    tags=["box office"],
)
def get_till(
    date: Annotated[Date, Query(description="The venue's business day, YYYY-MM-DD")],
    venue_id: Annotated[OpaqueId | None, Query(description="The venue (the default venue if none is named)")] = None,
    staff_id: Annotated[OpaqueId | None, Query(description="Only this staff member's lines")] = None,
) -> TillOut:
    return till.till(date, staff_id, venue_id)


lambda_handler = lambda_handler_for(router)
