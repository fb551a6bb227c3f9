"""Accounts through the API: registering, staff signup, login, and administering users.

(Login throttling and the other limits across accounts: test_abuse.py.)
"""

from __future__ import annotations

import jwt
import pytest

from boxoffice import permissions
from boxoffice.clock import clock
from tests.harness import TEST_ISSUER
from tools.factories import staff_body

CUSTOMER = {
    "username": "Alice",
    "password": "correct horse battery",
    "first_name": "Alice",
    "last_name": "Liddell",
    "email": "alice@example.com",
}


def test_a_customer_registers_with_the_default_permissions_and_logs_in(stack):
    created = stack.api.post("/auth/register", CUSTOMER)
    assert created.status == 201
    assert created.body["username"] == "alice"
    assert created.body["account_type"] == "customer"
    assert set(created.body["permissions"]) == permissions.DEFAULT_CUSTOMER_PERMISSIONS
    assert "password" not in created.text and CUSTOMER["password"] not in created.text

    login = stack.api.post("/auth/login", {"username": "ALICE", "password": CUSTOMER["password"]})
    assert login.status == 200
    assert login.body["token_type"] == "Bearer"
    assert login.body["expires_in"] == 3600
    claims = jwt.decode(login.body["access_token"], options={"verify_signature": False})
    assert claims["iss"] == TEST_ISSUER
    assert claims["sub"] == created.body["user_id"]
    assert claims["token_use"] == "access"
    assert claims["client_id"] == "boxoffice"
    assert claims["username"] == "alice"
    assert set(claims["scope"].split()) == permissions.DEFAULT_CUSTOMER_PERMISSIONS
    assert claims["cognito:groups"] == ["customers"]
    assert claims["exp"] - claims["iat"] == 3600 and claims["auth_time"] == claims["iat"]
    assert len(claims["jti"]) == 36
    header = jwt.get_unverified_header(login.body["access_token"])
    assert header["alg"] == "RS256" and header["kid"]

    me = stack.api.get("/me", token=login.body["access_token"])
    assert me.status == 200
    assert me.body["user_id"] == created.body["user_id"]
    assert me.body["email"] == "alice@example.com"
    assert me.body["session_ends_at"] is not None


def test_a_username_is_taken_once_whatever_its_case(stack):
    assert stack.api.post("/auth/register", CUSTOMER).status == 201
    again = stack.api.post("/auth/register", {**CUSTOMER, "username": "ALICE"})
    assert again.status == 409
    assert again.body["code"] == "USERNAME_TAKEN"


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"password": "short"}, "body.password"),
        ({"email": "not-an-email"}, "body.email"),
        ({"username": "a"}, "body.username"),
        ({"username": "has space"}, "body.username"),
        ({"first_name": ""}, "body.first_name"),
        ({"first_name": "x" * 101}, "body.first_name"),
        ({"role": "admin"}, "body.role"),
        ({"permissions": ["users:manage"]}, "body.permissions"),
    ],
)
def test_a_bad_registration_is_a_422_naming_the_field_and_creates_nothing(stack, aws, change, location):
    answer = stack.api.post("/auth/register", {**CUSTOMER, **change})
    assert answer.status == 422
    assert answer.body["code"] == "VALIDATION_FAILED"
    assert location in [problem["location"] for problem in answer.body["details"]["errors"]]
    assert "correct horse" not in answer.text  # the input is never echoed
    assert aws.dynamodb.scan(TableName=aws.tables["UsersTable"])["Count"] == 0


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "null", '{"username": '])
def test_a_body_that_is_not_an_object_is_a_422(stack, body):
    answer = stack.api.request("POST", "/auth/register", body=body, headers={"Content-Type": "application/json"})
    assert answer.status == 422


def test_a_body_that_is_not_json_is_a_415(stack):
    answer = stack.api.request(
        "POST",
        "/auth/login",
        body="username=a&password=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 415
    assert answer.body["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_an_oversized_body_is_a_413(stack):
    answer = stack.api.post("/auth/register", {**CUSTOMER, "first_name": "x" * 70_000})
    assert answer.status == 413


def test_wrong_password_and_unknown_user_get_the_same_answer(stack):
    stack.api.post("/auth/register", CUSTOMER)
    wrong = stack.api.post("/auth/login", {"username": "alice", "password": "not the password"})
    unknown = stack.api.post("/auth/login", {"username": "nobody", "password": "not the password"})
    assert wrong.status == unknown.status == 401
    assert wrong.body == unknown.body


def test_staff_sign_up_once_with_their_code_then_log_in(stack, accounts):
    admin = accounts.admin()
    created = stack.api.post(
        "/users",
        staff_body("bob", ["movies:create", "movies:view"]),
        token=admin.token,
    )
    assert created.status == 201
    code = created.body["signup_code"]
    assert created.body["status"] == "pending_signup"
    assert stack.api.post("/auth/login", {"username": "bob", "password": "whatever-it-is"}).status == 401

    wrong = stack.api.post("/auth/signup", {"username": "bob", "signup_code": "x" * 32, "password": "bobs password"})
    assert wrong.status == 422 and wrong.body["code"] == "SIGNUP_REFUSED"
    done = stack.api.post("/auth/signup", {"username": "bob", "signup_code": code, "password": "bobs password"})
    assert done.status == 200
    again = stack.api.post("/auth/signup", {"username": "bob", "signup_code": code, "password": "another one!"})
    assert again.status == 422 and again.body == wrong.body

    token = accounts.login("bob", "bobs password")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 30 * 60
    assert set(claims["scope"].split()) == {"movies:create", "movies:view"}
    assert claims["cognito:groups"] == ["staff"]


def test_a_self_registered_name_cannot_be_signed_up(stack):
    stack.api.post("/auth/register", CUSTOMER)
    answer = stack.api.post("/auth/signup", {"username": "alice", "signup_code": "y" * 32, "password": "hijacked pw!"})
    assert answer.status == 422
    assert stack.api.post("/auth/login", {"username": "alice", "password": CUSTOMER["password"]}).status == 200


def test_a_signup_code_expires_after_a_week(stack, accounts):
    admin = accounts.admin()
    created = stack.api.post(
        "/users",
        staff_body("late", []),
        token=admin.token,
    )
    clock.advance(7 * 86400 + 1)
    answer = stack.api.post(
        "/auth/signup",
        {
            "username": "late",
            "signup_code": created.body["signup_code"],
            "password": "too late now",
        },
    )
    assert answer.status == 422


@pytest.mark.parametrize("minutes", [0, 1441, -5])
def test_session_length_is_between_1_and_1440_minutes(stack, accounts, minutes):
    admin = accounts.admin()
    answer = stack.api.post(
        "/users",
        {
            "username": "bad",
            "first_name": "B",
            "last_name": "Ad",
            "email": "bad@example.com",
            "session_timeout_minutes": minutes,
            "permissions": [],
        },
        token=admin.token,
    )
    assert answer.status == 422


def test_a_token_lives_exactly_as_long_as_the_session(stack, accounts):
    user = accounts.staff({"movies:view"}, session_minutes=1)
    claims = jwt.decode(user.token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 60
    assert stack.api.get("/me", token=user.token).status == 200
    clock.advance(claims["exp"] - clock.time() - 1)  # one second before the end
    assert stack.api.get("/me", token=user.token).status == 200
    clock.advance(2)  # one second after
    assert stack.api.get("/me", token=user.token).status == 401


def test_listing_users_pages_with_a_cursor(stack, accounts):
    admin = accounts.admin()
    for index in range(5):
        stack.api.post("/auth/register", {**CUSTOMER, "username": f"user{index}", "email": f"u{index}@example.com"})
    seen, cursor = [], None
    while True:
        page = stack.api.get("/users", token=admin.token, query={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status == 200 and len(page.body["items"]) <= 2
        seen += [user["username"] for user in page.body["items"]]
        cursor = page.body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted([admin.username, *(f"user{index}" for index in range(5))])
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("cursor", ["garbage", "eyJhIjoxfQ", "e30"])
def test_a_forged_cursor_is_a_422(stack, accounts, cursor):
    admin = accounts.admin()
    answer = stack.api.get("/users", token=admin.token, query={"cursor": cursor})
    assert answer.status == 422 and answer.body["code"] == "INVALID_CURSOR"


@pytest.mark.parametrize("limit", [0, 101, "ten"])
def test_a_page_size_outside_1_to_100_is_a_422(stack, accounts, limit):
    admin = accounts.admin()
    assert stack.api.get("/users", token=admin.token, query={"limit": limit}).status == 422


def test_unknown_user_ids_are_404(stack, accounts):
    admin = accounts.admin()
    for method in ("get", "delete"):
        answer = getattr(stack.api, method)("/users/nosuchuser", token=admin.token)
        assert answer.status == 404 and answer.body["code"] == "NOT_FOUND"
    assert stack.api.put("/users/nosuchuser", {"first_name": "X"}, token=admin.token).status == 404


def test_an_update_needs_something_to_update(stack, accounts):
    admin = accounts.admin()
    user = accounts.customer()
    assert stack.api.put(f"/users/{user.user_id}", {}, token=admin.token).status == 422


def test_a_deleted_account_token_stops_working_within_the_authorizer_cache(stack, accounts):
    admin = accounts.admin()
    user = accounts.customer()
    assert stack.api.get("/me", token=user.token).status == 200
    assert stack.api.delete(f"/users/{user.user_id}", token=admin.token).status == 204
    stack.lapse_authorizer_cache()
    assert stack.api.get("/me", token=user.token).status == 401
    assert stack.api.get(f"/users/{user.user_id}", token=admin.token).status == 404
    # The username is free again, for a new account with a new id.
    again = stack.api.post("/auth/register", {**CUSTOMER, "username": user.username})
    assert again.status == 201 and again.body["user_id"] != user.user_id
    assert stack.api.get("/me", token=user.token).status == 401


def test_a_disabled_account_cannot_log_in_and_its_tokens_stop_working(stack, accounts):
    admin = accounts.admin()
    user = accounts.customer()
    assert stack.api.put(f"/users/{user.user_id}", {"enabled": False}, token=admin.token).body["status"] == "disabled"
    assert stack.api.get("/me", token=user.token).status == 401
    assert stack.api.post("/auth/login", {"username": user.username, "password": user.password}).status == 401
    stack.api.put(f"/users/{user.user_id}", {"enabled": True}, token=admin.token)
    assert stack.api.get("/me", token=user.token).status == 401, "re-enabling does not revive old tokens"
    clock.advance(1)  # tokens issued in the second of the change are void as well
    assert stack.api.get("/me", token=accounts.login(user.username)).status == 200


def test_a_revoked_permission_stops_working_within_the_authorizer_cache(stack, accounts):
    admin = accounts.admin()
    staff = accounts.staff({"users:manage"})
    assert stack.api.get("/users", token=staff.token).status == 200
    stack.api.put(f"/users/{staff.user_id}", {"permissions": []}, token=admin.token)
    # API Gateway may answer from its cached authorization until AuthorizerCacheSeconds have passed.
    stack.lapse_authorizer_cache()
    refused = stack.api.get("/users", token=staff.token)
    assert refused.status == 403 and refused.body["code"] == "FORBIDDEN"


def test_the_authorizer_is_invoked_once_per_token_while_its_answer_is_cached(stack, accounts):
    """One invocation serves every route a token calls for AuthorizerCacheSeconds (the token is the cache key);
    the route's permissions are still checked by each function."""
    staff = accounts.staff({"screenings:view"})
    before = stack.service.authorizer_invocations
    assert stack.api.get("/halls", token=staff.token).status == 200
    assert stack.api.get("/me", token=staff.token).status == 200
    assert stack.api.get("/users", token=staff.token).status == 403, "a route it may not call, from the same entry"
    assert stack.service.authorizer_invocations - before == 1
    stack.lapse_authorizer_cache()
    assert stack.api.get("/halls", token=staff.token).status == 200
    assert stack.service.authorizer_invocations - before == 2


def test_nobody_raises_their_own_permissions(stack, accounts):
    admin = accounts.staff({"users:manage"})
    answer = stack.api.put(
        f"/users/{admin.user_id}", {"permissions": ["users:manage", "orders:manage"]}, token=admin.token
    )
    assert answer.status == 403 and answer.body["code"] == "SELF_GRANT"


def test_the_last_administrator_can_be_neither_deleted_nor_demoted(stack, accounts):
    admin = accounts.admin()
    assert stack.api.delete(f"/users/{admin.user_id}", token=admin.token).body["code"] == "LAST_ADMINISTRATOR"
    demote = stack.api.put(f"/users/{admin.user_id}", {"permissions": ["movies:view"]}, token=admin.token)
    assert demote.status == 409 and demote.body["code"] == "LAST_ADMINISTRATOR"
    disable = stack.api.put(f"/users/{admin.user_id}", {"enabled": False}, token=admin.token)
    assert disable.status == 409
    second = accounts.admin()
    assert stack.api.delete(f"/users/{admin.user_id}", token=second.token).status == 204
    assert stack.api.delete(f"/users/{second.user_id}", token=second.token).status == 409


def test_creating_a_user_needs_users_manage(stack, accounts):
    customer = accounts.customer()
    answer = stack.api.post(
        "/users",
        staff_body("sneaky", ["users:manage"]),
        token=customer.token,
    )
    assert answer.status == 403


def test_passwords_hashes_tokens_and_codes_never_reach_the_logs(stack, accounts, capfd, log_stream):
    admin = accounts.admin()
    created = stack.api.post(
        "/users",
        staff_body("logged", ["movies:view"]),
        token=admin.token,
    )
    code = created.body["signup_code"]
    stack.api.post("/auth/signup", {"username": "logged", "signup_code": code, "password": "the secret one"})
    stack.api.post("/auth/login", {"username": "logged", "password": "the wrong one"})
    token = accounts.login("logged", "the secret one")
    stack.api.get("/me", token=token)
    stack.api.get("/me", token=token + "tampered")
    from boxoffice.models.users import UserLogin, login_key

    stored_hash = UserLogin.get(login_key("logged")).password_hash
    output = "".join(capfd.readouterr()) + log_stream.getvalue()
    assert "token rejected" in output, "the logs were captured"
    assert "the secret one" not in output and "the wrong one" not in output
    assert token not in output and token.split(".")[2] not in output
    assert code not in output
    assert stored_hash.split("$")[-1] not in output
    assert admin.token.split(".")[2] not in output


def test_an_account_logs_in_at_most_ten_times_a_minute(stack, accounts):
    user = accounts.customer("busy")  # that was one login
    for _ in range(9):
        assert stack.api.post("/auth/login", {"username": "busy", "password": user.password}).status == 200
    limited = stack.api.post("/auth/login", {"username": "busy", "password": user.password})
    assert limited.status == 429 and limited.body["code"] == "RATE_LIMITED" and limited.headers["Retry-After"]
    wrong = stack.api.post("/auth/login", {"username": "busy", "password": "not the password"})
    assert wrong.status == 401, "a wrong password still gets the usual answer: the limit reveals nothing"
    clock.advance(61)
    assert stack.api.post("/auth/login", {"username": "busy", "password": user.password}).status == 200
