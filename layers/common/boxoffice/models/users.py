"""The users table: a profile per account, a login item per username, and the administrators count.

- profile   `user_id = <id>`                 who the person is and what they may do
- login     `user_id = login#<username>`     the username's claim (unique by construction),
                                             password hash, signup code
- counter   `user_id = meta#administrators`  enabled accounts holding users:manage, so the
                                             last one can never be removed (a conditional write)
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, MapAttribute, UnicodeAttribute
from pynamodb.models import Model

from boxoffice.models.base import BaseMeta, IntegerAttribute, StampedModel, TableName, index, list_of

USER_KIND = "USER"
ADMINISTRATORS_COUNTER_ID = "meta#administrators"


def login_key(username: str) -> str:
    return f"login#{username}"


class UserProfile(StampedModel):
    class Meta(BaseMeta):
        table_name = TableName("users")

    user_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute(default=USER_KIND)
    username = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    email = UnicodeAttribute()
    account_type = UnicodeAttribute()  # customer | staff
    permissions = list_of(UnicodeAttribute, default=list)
    session_timeout_minutes = IntegerAttribute()
    enabled = BooleanAttribute(default=True)
    # Tokens issued before this instant no longer work (disable, password change, reset).
    sessions_valid_after = IntegerAttribute(default=0)
    # Tokens signed out one by one (POST /auth/logout): jti -> when the token would have expired. The
    # authorizer reads this item anyway, so checking it costs nothing; lapsed entries are dropped at the next logout.
    revoked_tokens: MapAttribute[str, int] = MapAttribute(null=True)
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()
    last_login_at = IntegerAttribute(null=True)
    # Successful logins in the current minute (a rate limit on minting tokens).
    login_window_start = IntegerAttribute(default=0)
    login_window_count = IntegerAttribute(default=0)

    by_username = index("by_username", ("kind", UnicodeAttribute), ("username", UnicodeAttribute))


class UserLogin(StampedModel):
    class Meta(BaseMeta):
        table_name = TableName("users")

    user_id = UnicodeAttribute(hash_key=True)  # login#<username>
    owner_id = UnicodeAttribute()
    password_hash = UnicodeAttribute(null=True)
    signup_code_hash = UnicodeAttribute(null=True)
    signup_expires_at = IntegerAttribute(null=True)
    # Login delays earned before this instant are forgiven (an administrator's "unlock").
    throttle_reset_at = IntegerAttribute(default=0)


class AdministratorsCounter(Model):
    class Meta(BaseMeta):
        table_name = TableName("users")

    user_id = UnicodeAttribute(hash_key=True, default=ADMINISTRATORS_COUNTER_ID)
    # Stored as `count`; named otherwise here because Model.count() is PynamoDB's query count.
    administrators = IntegerAttribute(default=0, attr_name="count")
