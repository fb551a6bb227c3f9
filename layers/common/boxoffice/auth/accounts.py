"""Accounts: customers who register, staff an administrator creates, logins, and who may manage whom."""

from __future__ import annotations

import secrets
from typing import Any

from pynamodb.exceptions import DoesNotExist

from boxoffice import permissions as perms
from boxoffice.auth import passwords
from boxoffice.auth.schemas import (
    CreatedUserOut,
    CreateUserIn,
    LoginIn,
    MeOut,
    RegisterIn,
    SignupIn,
    SignupOut,
    TokenOut,
    UpdateUserIn,
    UserOut,
)
from boxoffice.auth.tokens import issue_access_token
from boxoffice.clock import iso, now_epoch
from boxoffice.errors import Conflict, Forbidden, Invalid, NotFound, TooManyRequests, Unauthorized
from boxoffice.http import Identity
from boxoffice.ids import new_id
from boxoffice.models.base import Transaction, TransactionCancelled
from boxoffice.models.users import (
    ADMINISTRATORS_COUNTER_ID,
    USER_KIND,
    AdministratorsCounter,
    UserLogin,
    UserProfile,
    login_key,
)
from boxoffice.pagination import decode_cursor, encode_cursor
from boxoffice.schemas import Page
from boxoffice.settings import get_settings

CUSTOMER, STAFF = "customer", "staff"
CUSTOMER_SESSION_MINUTES = 60
SIGNUP_CODE_DAYS = 7
_BAD_LOGIN = "Wrong username or password, or the account is locked for a while"
_BAD_SIGNUP = "This username cannot be signed up with that code"


def _is_administrator(permissions: list[str] | set[str], enabled: bool) -> bool:
    return enabled and perms.USERS_MANAGE in permissions


def _status(profile: UserProfile, login: UserLogin | None, now: int) -> str:
    if not profile.enabled:
        return "disabled"
    if login is not None and login.password_hash is None:
        return "pending_signup"
    if login is not None and login.locked_until > now:
        return "locked"
    return "active"


def user_out(profile: UserProfile, login: UserLogin | None) -> UserOut:
    now = now_epoch()
    locked = login is not None and login.locked_until > now
    return UserOut(
        user_id=profile.user_id,
        username=profile.username,
        first_name=profile.first_name,
        last_name=profile.last_name,
        email=profile.email,
        account_type=profile.account_type,
        permissions=sorted(profile.permissions),
        effective_permissions=sorted(perms.expand(profile.permissions)),
        session_timeout_minutes=int(profile.session_timeout_minutes),
        status=_status(profile, login, now),
        enabled=profile.enabled,
        failed_logins=int(login.failed_logins) if login else 0,
        locked_until=iso(login.locked_until) if locked and login else None,
        created_at=iso(profile.created_at),
        updated_at=iso(profile.updated_at),
        last_login_at=iso(profile.last_login_at) if profile.last_login_at else None,
    )


def _new_profile(body: RegisterIn | CreateUserIn, account_type: str, permissions: list[str],
                 session_minutes: int, now: int) -> UserProfile:
    return UserProfile(
        user_id=new_id(),
        kind=USER_KIND,
        username=body.username,
        first_name=body.first_name,
        last_name=body.last_name,
        email=str(body.email),
        account_type=account_type,
        permissions=sorted(permissions),
        session_timeout_minutes=session_minutes,
        enabled=True,
        sessions_valid_after=0,
        created_at=now,
        updated_at=now,
    )


def _create(profile: UserProfile, login: UserLogin) -> None:
    """The profile and its username claim, together or not at all; a taken username is a 409."""
    transaction = Transaction()
    transaction.put("login", login, condition=UserLogin.user_id.does_not_exist())
    transaction.put("profile", profile, condition=UserProfile.user_id.does_not_exist())
    if _is_administrator(profile.permissions, profile.enabled):
        transaction.update("administrators", AdministratorsCounter(ADMINISTRATORS_COUNTER_ID),
                           [AdministratorsCounter.count.add(1)])
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        if "login" in cancelled.failed():
            raise Conflict("That username is taken", code="USERNAME_TAKEN") from cancelled
        raise


def register_customer(body: RegisterIn) -> UserOut:
    now = now_epoch()
    profile = _new_profile(body, CUSTOMER, sorted(perms.DEFAULT_CUSTOMER_PERMISSIONS), CUSTOMER_SESSION_MINUTES, now)
    login = UserLogin(user_id=login_key(body.username), owner_id=profile.user_id,
                      password_hash=passwords.hash_password(body.password))
    _create(profile, login)
    return user_out(profile, login)


def create_staff(body: CreateUserIn) -> CreatedUserOut:
    now = now_epoch()
    profile = _new_profile(body, STAFF, list(body.permissions), body.session_timeout_minutes, now)
    code = secrets.token_urlsafe(24)
    expires = now + SIGNUP_CODE_DAYS * 86400
    login = UserLogin(user_id=login_key(body.username), owner_id=profile.user_id,
                      signup_code_hash=passwords.hash_secret_code(code), signup_expires_at=expires)
    _create(profile, login)
    return CreatedUserOut(**user_out(profile, login).model_dump(), signup_code=code, signup_expires_at=iso(expires))


def create_administrator(username: str, first_name: str, last_name: str, email: str, password: str,
                         session_minutes: int = 480) -> UserOut:
    """The first administrator of a stack (tools/create_admin.py, and `make run`'s demo admin)."""
    body = CreateUserIn(username=username, first_name=first_name, last_name=last_name, email=email,
                        session_timeout_minutes=session_minutes, permissions=sorted(perms.ALL_PERMISSIONS))
    now = now_epoch()
    profile = _new_profile(body, STAFF, list(body.permissions), session_minutes, now)
    login = UserLogin(user_id=login_key(body.username), owner_id=profile.user_id,
                      password_hash=passwords.hash_password(password))
    _create(profile, login)
    return user_out(profile, login)


def signup(body: SignupIn) -> SignupOut:
    """The person behind a staff account chooses its first password, once, with the code they were given."""
    try:
        login = UserLogin.get(login_key(body.username), consistent_read=True)
    except DoesNotExist:
        raise Invalid(_BAD_SIGNUP, code="SIGNUP_REFUSED") from None
    usable = (
        login.password_hash is None
        and login.signup_code_hash is not None
        and (login.signup_expires_at or 0) > now_epoch()
        and passwords.codes_match(body.signup_code, login.signup_code_hash)
    )
    if not usable:
        raise Invalid(_BAD_SIGNUP, code="SIGNUP_REFUSED")
    try:
        login.update(
            actions=[
                UserLogin.password_hash.set(passwords.hash_password(body.password)),
                UserLogin.signup_code_hash.remove(),
                UserLogin.signup_expires_at.remove(),
            ],
            condition=UserLogin.password_hash.does_not_exist() & (UserLogin.signup_code_hash == login.signup_code_hash),
        )
    except Exception as error:
        if _is_condition_failure(error):
            raise Invalid(_BAD_SIGNUP, code="SIGNUP_REFUSED") from error
        raise
    return SignupOut(username=body.username)


def _is_condition_failure(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def _record_failure(login: UserLogin, now: int) -> None:
    """Count a failed login; the fifth within the lock period locks the account for that period."""
    settings = get_settings()
    window = settings.login_lock_minutes * 60
    recent = login.failed_logins if login.last_failed_at > now - window else 0
    failures = recent + 1
    actions = [UserLogin.failed_logins.set(failures), UserLogin.last_failed_at.set(now)]
    if failures >= settings.login_max_failures:
        actions = [UserLogin.failed_logins.set(0), UserLogin.last_failed_at.set(now),
                   UserLogin.locked_until.set(now + window)]
    try:
        # Conditional on the count we read, so racing failures are all counted.
        login.update(actions=actions, condition=UserLogin.failed_logins == login.failed_logins)
    except Exception as error:
        if not _is_condition_failure(error):
            raise
        login.refresh(consistent_read=True)
        _record_failure(login, now)


def login(body: LoginIn, issuer: str) -> TokenOut:
    """A token for the right password; one answer for every failure, and the same work for each."""
    now = now_epoch()
    username = body.username.strip().lower()
    try:
        credentials = UserLogin.get(login_key(username), consistent_read=True)
    except DoesNotExist:
        passwords.burn_equal_time(body.password)
        raise Unauthorized(_BAD_LOGIN, code="INVALID_CREDENTIALS") from None
    if credentials.password_hash is None or credentials.locked_until > now:
        passwords.burn_equal_time(body.password)
        raise Unauthorized(_BAD_LOGIN, code="INVALID_CREDENTIALS")
    if not passwords.verify_password(body.password, credentials.password_hash):
        _record_failure(credentials, now)
        raise Unauthorized(_BAD_LOGIN, code="INVALID_CREDENTIALS")
    try:
        profile = UserProfile.get(credentials.owner_id, consistent_read=True)
    except DoesNotExist:
        raise Unauthorized(_BAD_LOGIN, code="INVALID_CREDENTIALS") from None
    if not profile.enabled:
        raise Unauthorized(_BAD_LOGIN, code="INVALID_CREDENTIALS")
    # Only someone with the right password ever sees this limit, so it tells nobody that a username exists.
    same_minute = now - int(profile.login_window_start) < 60
    if same_minute and int(profile.login_window_count) >= get_settings().max_logins_per_minute:
        wait = int(profile.login_window_start) + 60 - now
        raise TooManyRequests("Too many logins in a minute", code="RATE_LIMITED", headers={"Retry-After": str(wait)})
    if credentials.failed_logins:
        credentials.update(actions=[UserLogin.failed_logins.set(0)])
    window = ([UserProfile.login_window_count.add(1)] if same_minute
              else [UserProfile.login_window_start.set(now), UserProfile.login_window_count.set(1)])
    profile.update(actions=[UserProfile.last_login_at.set(now), *window])
    token = issue_access_token(
        issuer=issuer, user_id=profile.user_id, username=profile.username, permissions=list(profile.permissions),
        account_type=profile.account_type, session_minutes=int(profile.session_timeout_minutes), now=now,
    )
    return TokenOut(access_token=token.access_token, expires_in=token.expires_in)


def me(identity: Identity, session_ends_at: int | None, issuer_kind: str) -> MeOut:
    answer: dict[str, Any] = {
        "user_id": identity.user_id,
        "username": identity.username,
        "permissions": sorted(identity.permissions),
        "session_ends_at": iso(session_ends_at) if session_ends_at else None,
        "issuer": issuer_kind,
    }
    if issuer_kind == "boxoffice":
        try:
            profile = UserProfile.get(identity.user_id)
        except DoesNotExist:
            raise NotFound("This account no longer exists") from None
        answer.update(first_name=profile.first_name, last_name=profile.last_name, email=profile.email,
                      account_type=profile.account_type)
    return MeOut(**answer)


def _profile(user_id: str) -> UserProfile:
    try:
        return UserProfile.get(user_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No such user") from None


def _login_of(profile: UserProfile) -> UserLogin | None:
    try:
        return UserLogin.get(login_key(profile.username), consistent_read=True)
    except DoesNotExist:
        return None


def get_user(user_id: str) -> UserOut:
    profile = _profile(user_id)
    return user_out(profile, _login_of(profile))


_PAGE_KEYS = {"user_id", "kind", "username"}


def list_users(limit: int, cursor: str | None) -> Page[UserOut]:
    results = UserProfile.by_username.query(
        USER_KIND, limit=limit, page_size=limit, last_evaluated_key=decode_cursor(cursor, _PAGE_KEYS)
    )
    profiles = list(results)
    logins = {
        login.owner_id: login
        for login in UserLogin.batch_get([login_key(profile.username) for profile in profiles])
    } if profiles else {}
    return Page[UserOut](
        items=[user_out(profile, logins.get(profile.user_id)) for profile in profiles],
        next_cursor=encode_cursor(results.last_evaluated_key),
    )


def _administrator_change(transaction: Transaction, was: bool, will_be: bool) -> None:
    counter = AdministratorsCounter(ADMINISTRATORS_COUNTER_ID)
    if was and not will_be:
        transaction.update("administrators", counter, [AdministratorsCounter.count.add(-1)],
                           condition=AdministratorsCounter.count > 1)
    elif will_be and not was:
        transaction.update("administrators", counter, [AdministratorsCounter.count.add(1)])


def _commit_account_change(transaction: Transaction) -> None:
    """Commit a change of an account: refused if it would remove the last administrator or lose a race."""
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        failed = cancelled.failed()
        if "administrators" in failed:
            raise Conflict("The last administrator cannot lose users:manage", code="LAST_ADMINISTRATOR") from None
        if "profile" in failed:
            raise Conflict("The user changed meanwhile; read it again", code="CONCURRENT_UPDATE") from None
        raise


def update_user(user_id: str, body: UpdateUserIn, by: Identity) -> UserOut:
    profile = _profile(user_id)
    now = now_epoch()
    new_permissions = body.permissions if body.permissions is not None else list(profile.permissions)
    if user_id == by.user_id and not set(new_permissions) <= set(profile.permissions):
        raise Forbidden("Nobody can raise their own permissions", code="SELF_GRANT")
    enabled = profile.enabled if body.enabled is None else body.enabled
    actions = [UserProfile.updated_at.set(now)]
    for field in ("first_name", "last_name", "session_timeout_minutes"):
        value = getattr(body, field)
        if value is not None:
            actions.append(getattr(UserProfile, field).set(value))
    if body.email is not None:
        actions.append(UserProfile.email.set(str(body.email)))
    if body.permissions is not None:
        actions.append(UserProfile.permissions.set(sorted(new_permissions)))
    if body.enabled is not None and body.enabled != profile.enabled:
        actions += [UserProfile.enabled.set(enabled), UserProfile.sessions_valid_after.set(now)]
    transaction = Transaction()
    # Conditional on the version we read, so two administrators never overwrite each other unseen.
    transaction.update("profile", profile, actions, condition=UserProfile.updated_at == profile.updated_at)
    _administrator_change(transaction, _is_administrator(profile.permissions, profile.enabled),
                          _is_administrator(new_permissions, enabled))
    if body.unlock:
        transaction.update("login", UserLogin(login_key(profile.username)),
                           [UserLogin.failed_logins.set(0), UserLogin.locked_until.set(0)],
                           condition=UserLogin.user_id.exists())
    _commit_account_change(transaction)
    return get_user(user_id)


def delete_user(user_id: str, by: Identity) -> None:
    profile = _profile(user_id)
    transaction = Transaction()
    transaction.delete("profile", profile, condition=UserProfile.updated_at == profile.updated_at)
    transaction.delete("login", UserLogin(login_key(profile.username)))
    _administrator_change(transaction, _is_administrator(profile.permissions, profile.enabled), False)
    _commit_account_change(transaction)
