"""Real Cognito user-pool access tokens (moto's pool): accepted when the stack names the pool, not otherwise."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
import pytest
import requests


@pytest.fixture
def jwks_server():
    """Serves one JWKS document over HTTP on loopback, as the pool's jwks.json would be."""
    document: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # http.server's name
            body = json.dumps(document).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield document, f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()
    server.server_close()


@pytest.fixture
def cognito(aws, jwks_server):
    """A pool, an app client and a user in the group `users:manage`; its JWKS served where the authorizer reads it."""
    client = boto3.client("cognito-idp", region_name="us-east-1")
    pool = client.create_user_pool(PoolName="boxoffice-staff")["UserPool"]["Id"]
    app = client.create_user_pool_client(
        UserPoolId=pool,
        ClientName="boxoffice-web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    client.admin_create_user(UserPoolId=pool, Username="carol", TemporaryPassword="Temporary-pass-1")
    client.admin_set_user_password(UserPoolId=pool, Username="carol", Password="Permanent-pass-1", Permanent=True)
    client.create_group(GroupName="users:manage", UserPoolId=pool)
    client.admin_add_user_to_group(UserPoolId=pool, Username="carol", GroupName="users:manage")
    token = client.initiate_auth(
        ClientId=app,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "carol", "PASSWORD": "Permanent-pass-1"},
    )["AuthenticationResult"]["AccessToken"]
    document, url = jwks_server
    document.update(
        requests.get(f"https://cognito-idp.us-east-1.amazonaws.com/{pool}/.well-known/jwks.json", timeout=5).json()
    )
    return {"pool": pool, "client": app, "token": token, "jwks_url": url}


def test_a_cognito_token_is_accepted_when_the_pool_is_configured(make_stack, cognito):
    stack = make_stack(
        CognitoUserPoolId=cognito["pool"],
        CognitoClientId=cognito["client"],
        environment={"AuthorizerFunction": {"COGNITO_JWKS_URL": cognito["jwks_url"]}},
    )
    me = stack.api.get("/me", token=cognito["token"])
    assert me.status == 200, me
    assert me.body["issuer"] == "cognito"
    assert me.body["username"] == "carol"
    assert me.body["permissions"] == ["users:manage"]
    # The group carries the permission: users:manage opens /users, nothing else is granted.
    assert stack.api.get("/users", token=cognito["token"]).status == 200
    assert stack.api.post("/users", {}, token=cognito["token"]).status == 422


def test_a_cognito_token_is_refused_when_no_pool_is_configured(stack, cognito):
    assert stack.api.get("/me", token=cognito["token"]).status == 401


def test_a_cognito_token_of_another_app_client_is_refused(make_stack, cognito):
    stack = make_stack(
        CognitoUserPoolId=cognito["pool"],
        CognitoClientId="some-other-client",
        environment={"AuthorizerFunction": {"COGNITO_JWKS_URL": cognito["jwks_url"]}},
    )
    assert stack.api.get("/me", token=cognito["token"]).status == 401


def test_a_cognito_token_of_another_pool_is_refused(make_stack, cognito):
    stack = make_stack(
        CognitoUserPoolId="us-east-1_another",
        CognitoClientId=cognito["client"],
        environment={"AuthorizerFunction": {"COGNITO_JWKS_URL": cognito["jwks_url"]}},
    )
    assert stack.api.get("/me", token=cognito["token"]).status == 401
