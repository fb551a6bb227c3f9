"""Pydantic building blocks every request and response model uses."""

from __future__ import annotations

import re
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")


# Each model's validator is built when it is first used, not when its module is imported: a function uses a
# few of the models its modules declare, and building the others was most of its cold start's import time.
class Body(BaseModel):
    """A request body: unknown fields are an error, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Out(BaseModel):
    """A response body."""

    model_config = ConfigDict(extra="ignore", defer_build=True)


class Page(Out, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null on the last")


class ErrorOut(Out):
    code: str = Field(examples=["CHAIR_UNAVAILABLE"])
    message: str
    details: dict = Field(default_factory=dict)


Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
LongText = Annotated[str, StringConstraints(max_length=4000)]
Limit = Annotated[int, Field(ge=1, le=100)]
# At most 2,048 characters (422 VALIDATION_FAILED); what else a cursor must be is boxoffice.pagination's
# to say (422 INVALID_CURSOR).
Cursor = Annotated[str, StringConstraints(min_length=1, max_length=2048)]

_OPAQUE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _opaque_id(value: str) -> str:
    if not _OPAQUE_ID.match(value):
        raise ValueError("not a valid id")
    return value


OpaqueId = Annotated[str, AfterValidator(_opaque_id)]
