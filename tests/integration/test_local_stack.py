"""`make run` on a real port: it serves the template's routes, and it stops cleanly."""

from __future__ import annotations

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
    assert len(keys) == 2


def test_an_unknown_route_answers_404(local_stack):
    assert requests.get(f"{local_stack.url}/nothing/here", timeout=10).status_code == 404


def test_sigterm_stops_everything_and_frees_the_port():
    stack = start_local_stack()
    assert stack.stop() == 0, stack.log()
    assert "Boxoffice stopped." in stack.log()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", stack.port))  # nothing is left listening


def test_a_taken_port_is_a_one_line_error_and_status_1():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        finished = subprocess.run(
            [sys.executable, "-m", "local.stack", "--port", str(port)],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
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
