"""GET /reports/distributor?movie_id=&from=&to=: the box-office return a cinema sends a film's distributor."""

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Query

from boxoffice import permissions
from boxoffice.csv_answers import report_response
from boxoffice.events import distributor
from boxoffice.events.schemas import DistributorReportOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/reports/distributor",
    needs=permissions.REPORTS_VIEW,
    answers={404: "No such movie", 422: "INVALID_RANGE: `to` before `from`, or more than 366 days"},
    summary="A movie's admissions, gross, tax, net and refunds per venue and screening (Accept: text/csv for CSV)",
    tags=["reports"],
)
def get_distributor_report(
    movie_id: Annotated[OpaqueId, Query()],
    from_date: Annotated[date, Query(alias="from", description="First business day, YYYY-MM-DD (inclusive)")],
    to_date: Annotated[date, Query(alias="to", description="Last business day, YYYY-MM-DD (inclusive)")],
    accept: Annotated[str | None, Header(description="text/csv for CSV")] = None,
) -> DistributorReportOut | str:
    report = distributor.distributor_return(movie_id, from_date, to_date)
    return report_response(accept, DistributorReportOut(**report), distributor.csv_rows(report))


lambda_handler = lambda_handler_for(router)
