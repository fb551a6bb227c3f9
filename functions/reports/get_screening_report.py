"""GET /reports/screenings/{screening_id}: seats sold, held, refunded and admitted, occupancy and revenue."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header

from boxoffice import permissions
from boxoffice.csv_answers import report_response
from boxoffice.events import reports
from boxoffice.events.schemas import ScreeningReportOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/reports/screenings/<screening_id>",
    needs=permissions.REPORTS_VIEW,
    answers={404: "No such screening"},
    summary="A screening's sales and occupancy (Accept: text/csv for CSV)",
    tags=["reports"],
)
def get_screening_report(
    screening_id: OpaqueId, accept: Annotated[str | None, Header(description="text/csv for CSV")] = None
) -> ScreeningReportOut | str:
    report = reports.screening_report(screening_id)
    return report_response(accept, ScreeningReportOut(**report), [report])


lambda_handler = lambda_handler_for(router)
