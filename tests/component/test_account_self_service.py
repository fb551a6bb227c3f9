"""Accounts people can manage: changing a password, signing out, an administrator's reset, e-mail usernames.

Each goes through the real API (authorizer included), because what matters is
that the old credentials stop working at the next request.
"""

from __future__ import annotations

import pytest

from boxoffice.clock import clock

NEW_PASSWORD = "another-long-password"


def change(stack, user, current, new=NEW_PASSWORD, token=None):
    return stack.api.post("/me/password", {"current_password": current, "new_password": new}, token=token or user.token)


def test_a_password_change_ends_every_earlier_session_and_the_old_password(stack, accounts):
    user = accounts.customer()
    other_session = accounts.login(user.username)
    changed = change(stack, user, user.password)
    assert changed.status == 204, changed
    stack.lapse_authorizer_cache()  # API Gateway's cached authorization lasts AuthorizerCacheSeconds at most
    for token in (user.token, other_session):
        assert stack.api.get("/me", token=token).status == 401, "a session from before the change"
    assert stack.api.post("/auth/login", {"username": user.username, "password": user.password}).status == 401
    clock.advance(1)  # a token from the very second of the change is void too
    assert stack.api.get("/me", token=accounts.login(user.username, NEW_PASSWORD)).status == 200


def test_a_wrong_current_password_changes_nothing_and_repeated_guesses_are_throttled(stack, accounts):
    user = accounts.customer()
    for _ in range(5):
        wrong = change(stack, user, "not-the-password")
        assert wrong.status == 403 and wrong.body["code"] == "WRONG_PASSWORD", wrong
    throttled = change(stack, user, user.password)
    assert throttled.status == 429 and throttled.body["code"] == "PASSWORD_THROTTLED"
    assert stack.api.get("/me", token=user.token).status == 200, "nothing changed"
    clock.advance(15 * 60)
    assert change(stack, user, user.password).status == 204


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"current_password": "x", "new_password": "short"}, "VALIDATION_FAILED"),
        ({"current_password": "x"}, "VALIDATION_FAILED"),
        ({"current_password": "x", "new_password": "y" * 10_000}, "VALIDATION_FAILED"),
    ],
)
def test_a_bad_password_change_request_is_a_422(stack, accounts, body, code):
    user = accounts.customer()
    answer = stack.api.post("/me/password", body, token=user.token)
    assert answer.status == 422 and answer.body["code"] == code


def test_the_same_password_again_is_refused(stack, accounts):
    user = accounts.customer()
    same = change(stack, user, user.password, new=user.password)
    assert same.status == 422 and same.body["code"] == "SAME_PASSWORD"
    assert stack.api.get("/me", token=user.token).status == 200


def test_logout_stops_this_token_only(stack, accounts):
    user = accounts.customer()
    other_session = accounts.login(user.username)
    assert stack.api.post("/auth/logout", None, token=user.token).status == 204
    stack.lapse_authorizer_cache()  # API Gateway's cached authorization lasts AuthorizerCacheSeconds at most
    assert stack.api.get("/me", token=user.token).status == 401
    assert stack.api.post("/auth/logout", None, token=user.token).status == 401, "signed out is signed out"
    assert stack.api.get("/me", token=other_session).status == 200, "the other session goes on"
    assert stack.api.post("/auth/logout", None, token=other_session).status == 204
    stack.lapse_authorizer_cache()
    assert stack.api.get("/me", token=other_session).status == 401


def test_many_logouts_never_forget_a_signed_out_token(stack, accounts):
    from boxoffice.auth.accounts import MAX_SIGNED_OUT_TOKENS

    user = accounts.customer()
    signed_out = []
    for _ in range(MAX_SIGNED_OUT_TOKENS + 2):
        token = accounts.login(user.username)
        clock.advance(1)  # past the per-minute login limit's reach, and distinct issue times
        clock.advance(60)
        assert stack.api.post("/auth/logout", None, token=token).status == 204
        signed_out.append(token)
    stack.lapse_authorizer_cache()
    assert all(stack.api.get("/me", token=token).status == 401 for token in signed_out[:3] + signed_out[-3:])


def test_an_administrator_reset_ends_the_password_and_sessions_and_gives_a_signup_code(stack, accounts):
    admin = accounts.admin()
    staff = accounts.staff({"orders:manage"})
    reset = stack.api.post(f"/users/{staff.user_id}/reset", None, token=admin.token)
    assert reset.status == 200, reset
    assert reset.body["status"] == "pending_signup" and len(reset.body["signup_code"]) >= 16
    assert stack.api.get("/me", token=staff.token).status == 401
    assert stack.api.post("/auth/login", {"username": staff.username, "password": staff.password}).status == 401
    signup = {"username": staff.username, "signup_code": reset.body["signup_code"], "password": NEW_PASSWORD}
    assert stack.api.post("/auth/signup", signup).status == 200
    clock.advance(1)
    assert stack.api.get("/me", token=accounts.login(staff.username, NEW_PASSWORD)).status == 200


def test_nobody_resets_an_account_stronger_than_their_own(stack, accounts):
    admin = accounts.admin()
    user_manager = accounts.staff({"users:manage"})
    refused = stack.api.post(f"/users/{admin.user_id}/reset", None, token=user_manager.token)
    assert refused.status == 403 and refused.body["code"] == "GRANT_BEYOND_OWN"
    assert stack.api.get("/me", token=admin.token).status == 200, "the administrator is untouched"
    customer = accounts.customer()
    assert stack.api.post(f"/users/{admin.user_id}/reset", None, token=customer.token).status == 403
    assert stack.api.post("/users/no-such-user/reset", None, token=admin.token).status == 404


@pytest.mark.parametrize("username", ["ana@example.com", "first.last+cinema@mail.example.org"])
def test_an_email_address_is_a_username(stack, accounts, username):
    registered = stack.api.post(
        "/auth/register",
        {
            "username": username.upper(),
            "password": NEW_PASSWORD,
            "first_name": "Ana",
            "last_name": "Lima",
            "email": username,
        },
    )
    assert registered.status == 201, registered
    assert registered.body["username"] == username
    token = accounts.login(username, NEW_PASSWORD)
    assert stack.api.get("/me", token=token).body["username"] == username


@pytest.mark.parametrize("username", ["a@b", "@example.com", "ana@", "ana@example", "a b@example.com", "x" * 300])
def test_not_quite_an_email_address_is_refused(stack, username):
    answer = stack.api.post(
        "/auth/register",
        {"username": username, "password": NEW_PASSWORD, "first_name": "A", "last_name": "B", "email": "a@example.com"},
    )
    assert answer.status == 422 and answer.body["code"] == "VALIDATION_FAILED"
