"""GET /members/{member_id}: one member."""

from boxoffice import permissions
from boxoffice.catalog import members
from boxoffice.catalog.schemas import MemberOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.get(
    "/members/<member_id>",
    needs=permissions.MEMBERS_VIEW,
    answers={404: "No such member"},
    summary="Read a member",
    tags=["members"],
)
def get_member(member_id: OpaqueId) -> MemberOut:
    return members.get(member_id)


lambda_handler = lambda_handler_for(router)
