"""DELETE /members/{member_id}: remove a member and their subscriptions."""

from aws_lambda_powertools.event_handler import Response

from boxoffice import permissions
from boxoffice.catalog import members
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.delete(
    "/members/<member_id>",
    needs=permissions.MEMBERS_DELETE,
    answers={404: "No such member"},
    status_code=204,
    summary="Delete a member",
    tags=["members"],
)
def delete_member(member_id: OpaqueId) -> Response[None]:
    members.delete(member_id)
    return Response(status_code=204)


lambda_handler = lambda_handler_for(router)
