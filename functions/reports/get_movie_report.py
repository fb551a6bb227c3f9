"""GET /reports/movies/{movie_id}?from=&to=: a movie's screenings in a date range, their sales and totals."""

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Query

from boxoffice import permissions
from boxoffice.csv_answers import report_response
from boxoffice.events import reports
from boxoffice.events.schemas import MovieReportOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/reports/movies/<movie_id>",
    needs=permissions.REPORTS_VIEW,
    answers={404: "No such movie", 422: "INVALID_RANGE: `to` before `from`, or more than 366 days"},
    summary="A movie's screenings from one day to another: sales, occupancy, revenue (Accept: text/csv for CSV)",
    tags=["reports"],
)
def get_movie_report(
    movie_id: OpaqueId,
    from_date: Annotated[date, Query(alias="from", description="First business day (each venue's), YYYY-MM-DD")],
    to_date: Annotated[date, Query(alias="to", description="Last business day, YYYY-MM-DD")],
    accept: Annotated[str | None, Header(description="text/csv for CSV")] = None,
) -> MovieReportOut | str:
    report = reports.movie_report(movie_id, from_date, to_date)
    return report_response(accept, MovieReportOut(**report), report["screenings"])


lambda_handler = lambda_handler_for(router)
