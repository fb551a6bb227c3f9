"""POST /members: add a cinema member."""

from boxoffice import permissions
from boxoffice.catalog import members
from boxoffice.catalog.schemas import MemberIn, MemberOut
from boxoffice.http import Router, lambda_handler_for

router = Router()


@router.post("/members", needs=permissions.MEMBERS_CREATE, status_code=201, summary="Add a member", tags=["members"])
def create_member(body: MemberIn) -> MemberOut:
    return members.create(body)


lambda_handler = lambda_handler_for(router)
