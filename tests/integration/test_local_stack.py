"""`make run` on a real port: it serves the template's routes, and it stops cleanly."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest
import requests

from local.runtime import PROJECT_ROOT
from tests.integration.conftest import start_local_stack

pytestmark = pytest.mark.integration


def test_it_serves_a_route_of_the_template(local_stack):
    answer = requests.get(f"{local_stack.url}/.well-known/openid-configuration", timeout=10)
    assert answer.status_code == 200
    assert answer.json()["issuer"] == local_stack.url
    keys = requests.get(f"{local_stack.url}/.well-known/jwks.json", timeout=10).json()["keys"]
    assert sorted(key["alg"] for key in keys) == ["ES256", "RS256", "RS256"]


def test_an_unknown_route_answers_404(local_stack):
    assert requests.get(f"{local_stack.url}/nothing/here", timeout=10).status_code == 404


def test_sigterm_stops_everything_and_frees_the_port():
    stack = start_local_stack()
    assert requests.get(f"{stack.url}/.well-known/openid-configuration", timeout=10).status_code == 200
    requests.get(f"{stack.url}/movies?cursor=secret-looking-cursor", timeout=10)
    assert stack.stop() == 0, stack.log()
    assert "Boxoffice stopped." in stack.log()
    # One plain line per request, without its query string.
    assert "\nGET /.well-known/openid-configuration 200\n" in stack.log()
    assert "GET /movies " in stack.log() and "secret-looking-cursor" not in stack.log()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", stack.port))  # nothing is left listening


def test_a_taken_port_is_a_one_line_error_and_status_1():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        finished = subprocess.run(
            [sys.executable, "-m", "local.stack", "--port", str(port)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert finished.returncode == 1
    assert finished.stdout == ""
    assert finished.stderr.strip().count("\n") == 0
    assert f"port {port} is already in use" in finished.stderr


def test_the_docs_page_has_a_strict_content_security_policy(local_stack):
    page = requests.get(f"{local_stack.url}/docs/", timeout=10)
    assert page.status_code == 200 and "swagger" in page.text.lower()
    policy = page.headers["Content-Security-Policy"]
    script_sources = next(part for part in policy.split(";") if part.strip().startswith("script-src")).split()
    assert "'unsafe-inline'" not in script_sources and "'unsafe-eval'" not in script_sources
    assert any(source.startswith("'sha256-") for source in script_sources), "its one inline script, by hash"
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_a_parameter_the_template_refuses_is_a_one_line_error_and_status_1():
    finished = subprocess.run(
        [sys.executable, "-m", "local.stack", "--port", "0", "--params", "HoldSecond=30"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 1
    assert finished.stderr.strip() == "error: Parameters: [HoldSecond] do not exist in the template"


def test_make_invoke_runs_one_function_on_one_event_without_docker():
    finished = subprocess.run(
        [sys.executable, "-m", "tools.invoke", "JwksFunction", "tests/events/JwksFunction.json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    answer = json.loads(finished.stdout)
    assert answer["statusCode"] == 200 and len(json.loads(answer["body"])["keys"]) == 3  # two token keys, a ticket key
    unknown = subprocess.run(
        [sys.executable, "-m", "tools.invoke", "NoSuchFunction", "tests/events/JwksFunction.json"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert unknown.returncode == 1 and "no function 'NoSuchFunction'" in unknown.stderr


def test_the_embedded_aws_alone_has_the_templates_tables_and_keys():
    import boto3

    from tests.integration.conftest import free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "local.embedded_aws", "--port", str(port)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = [server.stdout.readline() for _ in range(3)]
        assert "sam local start-api --parameter-overrides" in lines[2], lines
        client = boto3.client(
            "dynamodb",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        from local.template import table_ids

        assert sorted(client.list_tables()["TableNames"]) == table_ids()
    finally:
        server.terminate()
        server.wait(10)
