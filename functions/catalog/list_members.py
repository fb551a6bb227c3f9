"""GET /members: cinema members by name; filter by a name prefix, a city or an e-mail address."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from boxoffice import permissions
from boxoffice.catalog import members
from boxoffice.catalog.schemas import MemberEmail, MemberOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import Cursor, Limit, Name, Page

router = Router()


@router.get("/members", needs=permissions.MEMBERS_VIEW, summary="List members", tags=["members"])
def list_members(
    limit: Annotated[Limit, Query()] = 20,
    cursor: Annotated[Cursor | None, Query()] = None,
    name: Annotated[Name | None, Query(description="Only members whose name starts with this")] = None,
    city: Annotated[Name | None, Query(description="Only members of this city (exact)")] = None,
    email: Annotated[MemberEmail | None, Query(description="Only the member with this e-mail address")] = None,
) -> Page[MemberOut]:
    return members.list_page(limit, cursor, name, city, str(email) if email else None)


lambda_handler = lambda_handler_for(router)
