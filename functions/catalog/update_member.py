"""PUT /members/{member_id}: replace a member's details."""

from boxoffice import permissions
from boxoffice.catalog import members
from boxoffice.catalog.schemas import MemberIn, MemberOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import OpaqueId

router = Router()


@router.put(
    "/members/<member_id>",
    needs=permissions.MEMBERS_UPDATE,
    answers={404: "No such member"},
    summary="Replace a member's details",
    tags=["members"],
)
def update_member(member_id: OpaqueId, body: MemberIn) -> MemberOut:
    return members.replace(member_id, body)


lambda_handler = lambda_handler_for(router)
