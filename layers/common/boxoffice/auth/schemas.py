"""Request and response bodies of the account and login endpoints."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from boxoffice import permissions as perms
from boxoffice.auth.passwords import MAX_LENGTH, MIN_LENGTH
from boxoffice.schemas import Body, Name, Out

_HANDLE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
# An e-mail address as a username (the second seed system's logins): a pragmatic shape, not RFC 5322.
_EMAIL_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,63}$")


def _username(value: str) -> str:
    if len(value) > 254 or not (_HANDLE.match(value) or _EMAIL_USERNAME.match(value)):
        raise ValueError("not a valid username")
    return value


Username = Annotated[
    str,
    BeforeValidator(lambda value: value.strip().lower() if isinstance(value, str) else value),
    StringConstraints(min_length=3, max_length=254),
    AfterValidator(_username),
    Field(description="3-32 characters (letters, digits, '.', '_' or '-') or an e-mail address; case-insensitive"),
]
Password = Annotated[str, StringConstraints(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]
LoginPassword = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LENGTH)]
SessionMinutes = Annotated[int, Field(ge=1, le=1440, description="How long a login lasts, 1 to 1440 minutes")]
if TYPE_CHECKING:  # a Literal built at run time is beyond a type checker; to it, a permission is a string
    Permission = str
else:
    Permission = Literal[tuple(sorted(perms.ALL_PERMISSIONS))]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]


def _unique_sorted(values: list[str]) -> list[str]:
    return sorted(set(values))


class RegisterIn(Body):
    username: Username
    password: Password
    first_name: Name
    last_name: Name
    email: Email


class CreateUserIn(Body):
    username: Username
    first_name: Name
    last_name: Name
    email: Email
    session_timeout_minutes: SessionMinutes
    permissions: list[Permission] = Field(default_factory=list, max_length=len(perms.ALL_PERMISSIONS))

    _unique = field_validator("permissions")(_unique_sorted)


class UpdateUserIn(Body):
    first_name: Name | None = None
    last_name: Name | None = None
    email: Email | None = None
    session_timeout_minutes: SessionMinutes | None = None
    permissions: list[Permission] | None = Field(None, max_length=len(perms.ALL_PERMISSIONS))
    enabled: bool | None = None
    unlock: bool | None = Field(
        None, description="true lifts the login delays this account's username has earned, from every address"
    )

    @field_validator("permissions")
    @classmethod
    def _unique(cls, values: list[str] | None) -> list[str] | None:
        return None if values is None else _unique_sorted(values)

    @model_validator(mode="after")
    def _something(self) -> UpdateUserIn:
        if not self.model_fields_set:
            raise ValueError("nothing to update")
        return self


class SignupIn(Body):
    username: Username
    signup_code: Annotated[str, StringConstraints(min_length=16, max_length=128)]
    password: Password


class LoginIn(Body):
    username: Annotated[str, StringConstraints(min_length=1, max_length=254)]
    password: LoginPassword


class PasswordChangeIn(Body):
    current_password: LoginPassword
    new_password: Password


class TokenOut(Out):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105  # the scheme's name, not a secret
    expires_in: int = Field(description="Seconds until the token expires (the user's session length)")


class UserOut(Out):
    user_id: str
    username: str
    first_name: str
    last_name: str
    email: str
    account_type: Literal["customer", "staff"]
    permissions: list[str] = Field(description="What was granted")
    effective_permissions: list[str] = Field(description="What was granted plus what it implies")
    session_timeout_minutes: int
    status: Literal["active", "pending_signup", "disabled"]
    enabled: bool
    created_at: str
    updated_at: str
    last_login_at: str | None


class CreatedUserOut(UserOut):
    signup_code: str = Field(description="Give this to the person once; they choose a password with it")
    signup_expires_at: str


class SignupOut(Out):
    username: str
    status: Literal["active"] = "active"


class MeOut(Out):
    user_id: str
    username: str
    permissions: list[str]
    session_ends_at: str | None
    issuer: Literal["boxoffice", "cognito"]
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    account_type: str | None = None
