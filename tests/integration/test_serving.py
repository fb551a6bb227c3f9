"""The local stack's HTTP servers (local.serving, waitress) keep connections alive, and a warm environment's
idle connections never stop a new one from being served."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading

import boto3
import pytest
from botocore.config import Config

from local.embedded_aws import EmbeddedAws, aws_client
from local.serving import WsgiServer
from local.template import LOCAL_REGION

pytestmark = pytest.mark.integration

_LIST_TABLES = {
    "Content-Type": "application/x-amz-json-1.0",
    "X-Amz-Target": "DynamoDB_20120810.ListTables",
    # moto reads the region from the signature's scope (and checks nothing else of it)
    "Authorization": f"AWS4-HMAC-SHA256 Credential=local/20261201/{LOCAL_REGION}/dynamodb/aws4_request, "
    "SignedHeaders=host, Signature=0",
}


def _list_tables(connection: http.client.HTTPConnection) -> http.client.HTTPResponse:
    connection.request("POST", "/", body="{}", headers=_LIST_TABLES)
    answer = connection.getresponse()
    assert answer.status == 200 and "TableNames" in json.loads(answer.read())
    return answer


def test_the_api_answers_two_requests_over_one_connection(local_stack):
    host, port = local_stack.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    first = None
    for _ in range(2):
        connection.request("GET", "/.well-known/openid-configuration")
        answer = connection.getresponse()
        assert answer.status == 200 and json.loads(answer.read())["issuer"] == local_stack.url
        assert answer.getheader("Connection") != "close"
        first = first or connection.sock
        assert connection.sock is first  # the same socket: not closed after the first answer, not reopened
    connection.close()


def test_the_embedded_aws_keeps_connections_alive_and_serves_a_new_one_past_a_hundred_idle_ones():
    with EmbeddedAws() as aws:
        connection = http.client.HTTPConnection("127.0.0.1", aws.port, timeout=30)
        first = _list_tables(connection)
        assert first.getheader("Connection") != "close"
        kept = connection.sock
        _list_tables(connection)
        assert connection.sock is kept

        # Idle kept-alive connections, as every warm function environment of every worker leaves behind.
        idle = []
        for _ in range(150):
            other = http.client.HTTPConnection("127.0.0.1", aws.port, timeout=30)
            _list_tables(other)
            idle.append(other)
        fresh = boto3.client(
            "dynamodb",
            endpoint_url=aws.endpoint,
            region_name=LOCAL_REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",  # moto accepts any
            config=Config(connect_timeout=10, read_timeout=10, retries={"max_attempts": 1}),
        )
        assert "TableNames" in fresh.list_tables()
        for other in idle:
            other.close()


def test_a_stopped_embedded_aws_frees_its_port():
    aws = EmbeddedAws().start()
    port = aws.port
    aws_client("dynamodb", aws.endpoint).list_tables()
    aws.stop()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def _hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def _closed_by_waitress(wake_up) -> None:
    """As waitress closes it when the server closes itself: in the loop's thread, marked closed."""
    closed = threading.Event()

    def close_it() -> None:
        wake_up.close()
        closed.set()

    wake_up.pull_trigger(close_it)
    assert closed.wait(30)


def _write_end_gone(wake_up) -> None:
    """As when its descriptor was closed under it: writing to it fails (EBADF); nothing real is closed here."""
    wake_up.trigger = -1


@pytest.mark.parametrize("break_the_pipe", [_closed_by_waitress, _write_end_gone])
def test_a_server_whose_wake_up_pipe_is_gone_still_stops_and_frees_its_port(break_the_pipe, caplog):
    server = WsgiServer(_hello, "127.0.0.1", 0, threads=2)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", "/")
    assert connection.getresponse().read() == b"hello"
    connection.close()  # the client closes first: the port is then not kept in TIME_WAIT by the server's side

    break_the_pipe(server._server.trigger)
    with caplog.at_level(logging.WARNING, logger="local.serving"):
        server.stop(thread)  # raised OSError (EBADF) when the stop rested on the pipe alone

    assert not thread.is_alive()
    assert "wake-up pipe" in caplog.text
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", server.port))
