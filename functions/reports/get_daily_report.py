"""GET /reports/daily?venue_id=&from=&to=: per business day of a venue, tickets, revenue by currency, refunds, by
payment method."""

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Query

from boxoffice import permissions
from boxoffice.csv_answers import report_response
from boxoffice.events import reports
from boxoffice.events.schemas import DailyReportOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/reports/daily",
    needs=permissions.REPORTS_VIEW,
    answers={422: "INVALID_RANGE: `to` before `from`, or more than 366 days"},
    summary="Sales per business day of a venue: tickets, revenue, refunds, payment methods (Accept: text/csv for CSV)",
    tags=["reports"],
)
def get_daily_report(
    from_date: Annotated[date, Query(alias="from", description="The venue's first business day, YYYY-MM-DD")],
    to_date: Annotated[date, Query(alias="to", description="Its last business day, YYYY-MM-DD")],
    venue_id: Annotated[OpaqueId | None, Query(description="The venue (the default venue if none is named)")] = None,
    accept: Annotated[str | None, Header(description="text/csv for CSV")] = None,
) -> DailyReportOut | str:
    report = reports.daily_report(from_date, to_date, venue_id)
    return report_response(accept, DailyReportOut(**report), report["days"])


lambda_handler = lambda_handler_for(router)
