"""GET /users: every account, with its permissions and login lock."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from boxoffice import permissions
from boxoffice.auth import accounts
from boxoffice.auth.schemas import UserOut
from boxoffice.http import Router, lambda_handler_for
from boxoffice.schemas import Cursor, Limit, Page

router = Router()


@router.get("/users", needs=permissions.USERS_MANAGE, summary="List accounts", tags=["users"])
def list_users(
    limit: Annotated[Limit, Query()] = 20, cursor: Annotated[Cursor | None, Query()] = None
) -> Page[UserOut]:
    return accounts.list_users(limit, cursor)


lambda_handler = lambda_handler_for(router)
