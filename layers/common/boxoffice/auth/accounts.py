"""Accounts: customers who register, staff an administrator creates, logins, and who may manage whom."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterable
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action

from boxoffice import permissions as perms
from boxoffice.actor import Actor, acting
from boxoffice.auth import passwords
from boxoffice.auth.schemas import (
    CreatedUserOut,
    CreateUserIn,
    LoginIn,
    MeOut,
    PasswordChangeIn,
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
from boxoffice.identity import Identity
from boxoffice.ids import new_id
from boxoffice.limits import Window
from boxoffice.models.base import Transaction, TransactionCancelled, get_many, plain
from boxoffice.models.limits import RateCounter
from boxoffice.models.users import (
    ADMINISTRATORS_COUNTER_ID,
    USER_KIND,
    AdministratorsCounter,
    UserLogin,
    UserProfile,
    login_key,
)
from boxoffice.pagination import query_page
from boxoffice.schemas import Page
from boxoffice.settings import get_settings

CUSTOMER, STAFF = "customer", "staff"
CUSTOMER_SESSION_MINUTES = 60
SIGNUP_CODE_DAYS = 7
_BAD_LOGIN = "Wrong username or password"
_BAD_LOGIN_ADDRESS = "Too many failed logins from this address; wait a little"
_BAD_SIGNUP = "This username cannot be signed up with that code"


def _is_administrator(permissions: Iterable[str], enabled: bool) -> bool:
    return enabled and perms.USERS_MANAGE in permissions


def _status(profile: UserProfile, login: UserLogin | None) -> str:
    if not profile.enabled:
        return "disabled"
    if login is not None and login.password_hash is None:
        return "pending_signup"
    return "active"


def user_out(profile: UserProfile, login: UserLogin | None) -> UserOut:
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
        status=_status(profile, login),
        enabled=profile.enabled,
        created_at=iso(profile.created_at),
        updated_at=iso(profile.updated_at),
        last_login_at=iso(profile.last_login_at) if profile.last_login_at else None,
    )


def _new_profile(
    body: RegisterIn | CreateUserIn, account_type: str, permissions: list[str], session_minutes: int, now: int
) -> UserProfile:
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
        transaction.update(
            "administrators",
            AdministratorsCounter(ADMINISTRATORS_COUNTER_ID),
            [AdministratorsCounter.administrators.add(1)],
        )
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        if "login" in cancelled.failed():
            raise Conflict("That username is taken", code="USERNAME_TAKEN") from cancelled
        raise


def register_customer(body: RegisterIn, client_address: str) -> UserOut:
    now = now_epoch()
    registrations = Window("registrations-by-address", get_settings().max_registrations_per_address, 3600)
    registrations.take(
        client_address,
        now,
        message="Too many accounts registered from this address; try later",
        code="TOO_MANY_REGISTRATIONS",
    )
    profile = _new_profile(body, CUSTOMER, sorted(perms.DEFAULT_CUSTOMER_PERMISSIONS), CUSTOMER_SESSION_MINUTES, now)
    login = UserLogin(
        user_id=login_key(body.username), owner_id=profile.user_id, password_hash=passwords.hash_password(body.password)
    )
    with acting(Actor(profile.user_id, profile.username, client_address)):  # the newcomer registers themself
        _create(profile, login)
    return user_out(profile, login)


def _check_grants(granted: Iterable[str], by: Identity | None) -> None:
    """A granter grants only what it holds itself (the administrator holds everything)."""
    if by is None:
        return  # the stack's own tools: the first administrator, tests
    beyond = sorted(perms.expand(granted) - by.permissions)
    if beyond:
        raise Forbidden(
            "You can only grant permissions you hold yourself", code="GRANT_BEYOND_OWN", details={"permissions": beyond}
        )


def create_staff(body: CreateUserIn, by: Identity | None = None) -> CreatedUserOut:
    _check_grants(body.permissions, by)
    now = now_epoch()
    profile = _new_profile(body, STAFF, list(body.permissions), body.session_timeout_minutes, now)
    code = secrets.token_urlsafe(24)
    expires = now + SIGNUP_CODE_DAYS * 86400
    login = UserLogin(
        user_id=login_key(body.username),
        owner_id=profile.user_id,
        signup_code_hash=passwords.hash_secret_code(code),
        signup_expires_at=expires,
    )
    _create(profile, login)
    return CreatedUserOut(**user_out(profile, login).model_dump(), signup_code=code, signup_expires_at=iso(expires))


def create_administrator(
    username: str, first_name: str, last_name: str, email: str, password: str, session_minutes: int = 480
) -> UserOut:
    """The first administrator of a stack (tools/create_admin.py, and `make run`'s demo admin)."""
    body = CreateUserIn(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        session_timeout_minutes=session_minutes,
        permissions=sorted(perms.ALL_PERMISSIONS),
    )
    now = now_epoch()
    profile = _new_profile(body, STAFF, list(body.permissions), session_minutes, now)
    login = UserLogin(
        user_id=login_key(body.username), owner_id=profile.user_id, password_hash=passwords.hash_password(password)
    )
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


def _failures_by_address() -> Window:
    settings = get_settings()
    return Window("login-failures-by-address", settings.login_failures_per_address, settings.login_lock_minutes * 60)


def _pair_counter_id(username: str, client_address: str) -> str:
    return f"login-failures#{username}#{client_address}"


def _recent_failures(pair: RateCounter | None, credentials: UserLogin | None, now: int) -> int:
    """Failures of this username from this address that still count: none after a quiet spell or an unlock."""
    if pair is None:
        return 0
    quiet = now - int(pair.last_at) >= get_settings().login_lock_minutes * 60
    forgiven = credentials is not None and int(pair.last_at) <= int(credentials.throttle_reset_at)
    return 0 if quiet or forgiven else int(pair.hits)


def _wait_for(failures: int, last_at: int, now: int) -> int:
    """Seconds before the next try: none for the first few failures, then 1, 2, 4, ... up to the lock period."""
    settings = get_settings()
    if failures < settings.login_max_failures:
        return 0
    delay = min(2 ** (failures - settings.login_max_failures), settings.login_lock_minutes * 60)
    return max(0, last_at + delay - now)


def _record_failure(pair_id: str, failures: int, client_address: str, now: int) -> None:
    """Two writes for every kind of failure (unknown user, wrong password, no password yet): equal work."""
    settings = get_settings()
    pair = RateCounter(pair_id)
    count: list[Action] = [RateCounter.hits.add(1)] if failures else [RateCounter.hits.set(1)]
    pair.update(
        actions=[
            *count,
            RateCounter.last_at.set(now),
            RateCounter.expires_at.set(now + 2 * settings.login_lock_minutes * 60),
        ]
    )
    # This failure is answered 401 like any other; the next try from the address is refused.
    with contextlib.suppress(TooManyRequests):
        _failures_by_address().take(client_address, now, message=_BAD_LOGIN_ADDRESS, code="LOGIN_THROTTLED")


def login(body: LoginIn, issuer: str, client_address: str) -> TokenOut:
    """A token for the right password; one answer and the same work for every failure.

    Failures slow down the username *from the address that failed* (growing
    waits), and cap failures from one address across usernames; neither can
    be used by a stranger elsewhere to keep the owner out.
    """
    now = now_epoch()
    username = body.username.strip().lower()
    by_address = _failures_by_address()
    pair_id = _pair_counter_id(username, client_address)
    address_counter_id, _ = by_address.counter(client_address, now)
    found = get_many((UserLogin, login_key(username)), (RateCounter, pair_id), (RateCounter, address_counter_id))
    credentials = found[0] if isinstance(found[0], UserLogin) else None
    pair, address = (item if isinstance(item, RateCounter) else None for item in found[1:])
    if by_address.hits(address) >= by_address.allowed:
        raise by_address.refusal(now, _BAD_LOGIN_ADDRESS, "LOGIN_THROTTLED")
    failures = _recent_failures(pair, credentials, now)
    wait = _wait_for(failures, int(pair.last_at) if pair else 0, now)
    if wait:
        raise TooManyRequests(
            "Too many failed logins for this username from here; wait a little",
            code="LOGIN_THROTTLED",
            details={"retry_after_seconds": wait},
            headers={"Retry-After": str(wait)},
        )
    stored = credentials.password_hash if credentials is not None else None
    if credentials is None or stored is None:
        passwords.burn_equal_time(body.password)
        _record_failure(pair_id, failures, client_address, now)
        raise Unauthorized(_BAD_LOGIN, code="INVALID_CREDENTIALS")
    if not passwords.verify_password(body.password, stored):
        _record_failure(pair_id, failures, client_address, now)
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
    if pair is not None:
        pair.delete()  # the owner got in from here: earlier slips from here are forgotten
    window: list[Action] = (
        [UserProfile.login_window_count.add(1)]
        if same_minute
        else [UserProfile.login_window_start.set(now), UserProfile.login_window_count.set(1)]
    )
    # The sign-in is a change of the profile made by its owner: the audit log's entry comes from it.
    with acting(Actor(profile.user_id, profile.username, client_address)):
        profile.update(actions=[UserProfile.last_login_at.set(now), *window])
    token = issue_access_token(
        issuer=issuer,
        user_id=profile.user_id,
        username=profile.username,
        permissions=list(profile.permissions),
        account_type=profile.account_type,
        session_minutes=int(profile.session_timeout_minutes),
        now=now,
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
        answer.update(
            first_name=profile.first_name,
            last_name=profile.last_name,
            email=profile.email,
            account_type=profile.account_type,
        )
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


def list_users(limit: int, cursor: str | None) -> Page[UserOut]:
    profiles, next_cursor = query_page(UserProfile, UserProfile.by_username, USER_KIND, limit=limit, cursor=cursor)
    logins = (
        {login.owner_id: login for login in UserLogin.batch_get([login_key(profile.username) for profile in profiles])}
        if profiles
        else {}
    )
    return Page[UserOut](
        items=[user_out(profile, logins.get(profile.user_id)) for profile in profiles],
        next_cursor=next_cursor,
    )


def _administrator_change(transaction: Transaction, was: bool, will_be: bool) -> None:
    counter = AdministratorsCounter(ADMINISTRATORS_COUNTER_ID)
    if was and not will_be:
        transaction.update(
            "administrators",
            counter,
            [AdministratorsCounter.administrators.add(-1)],
            condition=AdministratorsCounter.administrators > 1,
        )
    elif will_be and not was:
        transaction.update("administrators", counter, [AdministratorsCounter.administrators.add(1)])


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
    _check_grants(perms.expand(new_permissions) - perms.expand(profile.permissions), by)
    enabled = profile.enabled if body.enabled is None else body.enabled
    actions: list[Action] = [UserProfile.updated_at.set(now)]
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
    _administrator_change(
        transaction,
        _is_administrator(profile.permissions, profile.enabled),
        _is_administrator(new_permissions, enabled),
    )
    if body.unlock:
        transaction.update(
            "login",
            UserLogin(login_key(profile.username)),
            [UserLogin.throttle_reset_at.set(now)],
            condition=UserLogin.user_id.exists(),
        )
    _commit_account_change(transaction)
    return get_user(user_id)


def delete_user(user_id: str, by: Identity) -> None:
    profile = _profile(user_id)
    transaction = Transaction()
    transaction.delete("profile", profile, condition=UserProfile.updated_at == profile.updated_at)
    transaction.delete("login", UserLogin(login_key(profile.username)))
    _administrator_change(transaction, _is_administrator(profile.permissions, profile.enabled), False)
    _commit_account_change(transaction)


# ---------------------------------------------------------------- signing out, passwords, resets

MAX_SIGNED_OUT_TOKENS = 100  # live signed-out tokens kept per account; past that, every session ends instead


def logout(identity: Identity) -> None:
    """This token stops working (at the latest when API Gateway's authorizer cache lets it go); others go on."""
    if identity.issuer != "boxoffice" or not identity.token_id:
        raise Conflict("Sign out of this account with the identity provider that issued the token", code="EXTERNAL")
    now = now_epoch()
    profile = _profile(identity.user_id)
    expires_at = identity.session_ends_at or now + 86400
    live = {jti: int(exp) for jti, exp in plain(profile.revoked_tokens).items() if int(exp) > now}
    if len(live) >= MAX_SIGNED_OUT_TOKENS:
        profile.update(actions=[UserProfile.sessions_valid_after.set(now)])  # never forget one: end them all
        return
    lapsed = [jti for jti in plain(profile.revoked_tokens) if jti not in live]
    # One entry set by its own path, so two logouts at once both land; the map is made on first use.
    if profile.revoked_tokens is None:
        try:
            profile.update(
                actions=[UserProfile.revoked_tokens.set({identity.token_id: expires_at})],
                condition=UserProfile.revoked_tokens.does_not_exist(),
            )
            return
        except UpdateError as error:
            if not _is_condition_failure(error):
                raise
    profile.update(
        actions=[
            Path(["revoked_tokens", identity.token_id]).set(expires_at),
            *(Path(["revoked_tokens", jti]).remove() for jti in lapsed[:50]),
        ]
    )


def _password_failures() -> Window:
    return Window("password-change-failures", get_settings().login_max_failures, 15 * 60)


def change_password(identity: Identity, body: PasswordChangeIn) -> None:
    """A new password for the caller's own account; every token issued before stops working."""
    if identity.issuer != "boxoffice":
        raise Conflict("Change this account's password with the identity provider", code="EXTERNAL")
    now = now_epoch()
    profile = _profile(identity.user_id)
    failures = _password_failures()
    counter_id, _ = failures.counter(identity.user_id, now)
    found = get_many((UserLogin, login_key(profile.username)), (RateCounter, counter_id))
    credentials = found[0] if isinstance(found[0], UserLogin) else None
    counter = found[1] if isinstance(found[1], RateCounter) else None
    if failures.hits(counter) >= failures.allowed:
        raise failures.refusal(now, "Too many wrong passwords; wait a little", "PASSWORD_THROTTLED")
    stored = credentials.password_hash if credentials is not None else None
    if credentials is None or stored is None or not passwords.verify_password(body.current_password, stored):
        with contextlib.suppress(TooManyRequests):  # this one is answered 403; the next is refused
            failures.take(identity.user_id, now, message="Too many wrong passwords", code="PASSWORD_THROTTLED")
        raise Forbidden("The current password is wrong", code="WRONG_PASSWORD")
    if passwords.verify_password(body.new_password, stored):
        raise Invalid("The new password must differ from the current one", code="SAME_PASSWORD")
    transaction = Transaction()
    transaction.update(
        "login",
        credentials,
        [UserLogin.password_hash.set(passwords.hash_password(body.new_password))],
        condition=UserLogin.password_hash == stored,  # a password changed meanwhile is not overwritten unseen
    )
    transaction.update("profile", profile, [UserProfile.sessions_valid_after.set(now), UserProfile.updated_at.set(now)])
    try:
        transaction.commit()
    except TransactionCancelled as cancelled:
        raise Conflict("The password was changed meanwhile; sign in again", code="CONFLICT") from cancelled


def reset_user(user_id: str, by: Identity) -> CreatedUserOut:
    """An administrator's reset: the password and every session stop working; a new one-time signup code."""
    profile = _profile(user_id)
    _check_grants(perms.expand(profile.permissions), by)  # nobody takes over an account stronger than theirs
    now = now_epoch()
    code = secrets.token_urlsafe(24)
    expires = now + SIGNUP_CODE_DAYS * 86400
    login = UserLogin(login_key(profile.username))
    transaction = Transaction()
    transaction.update(
        "login",
        login,
        [
            UserLogin.password_hash.remove(),
            UserLogin.signup_code_hash.set(passwords.hash_secret_code(code)),
            UserLogin.signup_expires_at.set(expires),
        ],
        condition=UserLogin.owner_id == profile.user_id,
    )
    transaction.update(
        "profile",
        profile,
        [UserProfile.sessions_valid_after.set(now), UserProfile.updated_at.set(now)],
        condition=UserProfile.updated_at == profile.updated_at,
    )
    _commit_account_change(transaction)
    profile.refresh(consistent_read=True)
    return CreatedUserOut(
        **user_out(profile, _login_of(profile)).model_dump(), signup_code=code, signup_expires_at=iso(expires)
    )
