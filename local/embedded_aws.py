"""The embedded DynamoDB (and KMS) of the local stack: moto's server, one request at a time.

moto keeps its state in plain Python objects and is not safe under concurrent
requests, so every request passes through one lock. That is also exactly the
guarantee DynamoDB gives a single request (each is atomic), so conditional
writes and transactions behave as they do in AWS. Connections are kept alive
and served by a pool of threads (`local.serving`); only the handling is
serialised.

Run alone: `python -m local.embedded_aws --port 4566`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from local import moto_patches
from local.persistence import Journal
from local.serving import WsgiServer


class _SerializedApp:
    """A WSGI app that lets one request at a time into moto, and journals the writes it accepts."""

    def __init__(self, app: Any, journal: Journal | None = None) -> None:
        self._app = app
        self._lock = threading.Lock()
        self.journal = journal
        self.requests = 0

    def __call__(self, environ: dict, start_response: Any) -> Any:
        with self._lock:
            self.requests += 1
            if self.journal is None:
                # Materialise the body inside the lock: moto may build it lazily.
                return list(self._app(environ, start_response))
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            statuses: list[str] = []

            def seen(status: str, headers: Any, exc_info: Any = None) -> Any:
                statuses.append(status)
                return start_response(status, headers, exc_info)

            answer = list(self._app(environ, seen))
            # Journaled before the answer leaves: what a client was told succeeded is on disk.
            self.journal.record(environ, body, statuses[0] if statuses else "")
            return answer


class EmbeddedAws:
    """moto's server on a local port, in a background thread of this process."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, data_dir: Path | None = None) -> None:
        """With `data_dir`, DynamoDB's writes are journaled there and replayed by `start`."""
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        moto_patches.apply()
        self.journal = Journal(data_dir) if data_dir else None
        self.app = _SerializedApp(DomainDispatcherApplication(create_backend_app), self.journal)
        self.replayed = 0
        self._server = WsgiServer(self.app, host, port, threads=8)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> EmbeddedAws:
        if self.journal is not None:
            self.replayed = self.journal.replay(self.app._app)
        self._thread = threading.Thread(target=self._server.serve, name="embedded-aws", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stop(self._thread)
        if self.journal is not None:
            self.journal.close()

    def __enter__(self) -> EmbeddedAws:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def aws_client(service: str, endpoint: str) -> Any:
    """A boto3 client of the embedded server (moto accepts any credentials)."""
    import boto3

    from local.template import LOCAL_CREDENTIALS

    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=LOCAL_CREDENTIALS["region"],
        aws_access_key_id=LOCAL_CREDENTIALS["key"],
        aws_secret_access_key=LOCAL_CREDENTIALS["secret"],
    )


def create_template_resources(endpoint: str) -> dict[str, str]:
    """The template's tables (named by logical id, as `sam local` resolves a table's Ref) and keys; the keys' ids."""
    from local.template import create_keys, create_tables, local_table_names

    create_tables(aws_client("dynamodb", endpoint), local_table_names())
    return create_keys(aws_client("kms", endpoint))


class EmbeddedAwsProcess:
    """EmbeddedAws in a process of its own (`make run`): moto's work then never waits for the API's turn at
    the interpreter, nor the API for moto's. Same interface: start, stop, endpoint, replayed."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.replayed = 0
        self.endpoint = ""
        self.keys: dict[str, str] = {}  # the template's KMS keys (restored from data_dir, or made): logical id -> id
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> EmbeddedAwsProcess:
        command = [sys.executable, "-m", "local.embedded_aws", "--port", "0", "--empty", "--template-keys"]
        command += ["--parent-pid", str(os.getpid())]
        if self.data_dir is not None:
            command += ["--data-dir", str(self.data_dir)]
        self._process = subprocess.Popen(
            command, cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("embedded AWS"):
            self.stop()
            raise RuntimeError("the embedded AWS server did not start")
        fields = dict(part.split("=", 1) for part in line.split()[-3:])
        self.endpoint, self.replayed = fields["endpoint"], int(fields["replayed"])
        self.keys = json.loads(fields["keys"])
        return self

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()


def _watch_parent(parent_pid: int, stopped: threading.Event) -> None:
    """An orphan is reparented: once make run is gone, however it ended, so is its embedded server."""
    while not stopped.wait(0.5):
        if os.getppid() != parent_pid:
            stopped.set()


def _template_keys(endpoint: str, data_dir: Path | None) -> dict[str, str]:
    """The template's keys: those saved in the data folder (private halves put back into moto, which lives in
    this process), and any missing ones made and saved."""
    from local.persistence import restore_keys, save_keys
    from local.template import create_keys, key_ids

    kms = aws_client("kms", endpoint)
    keys = (restore_keys(data_dir, kms) if data_dir else None) or {}
    missing = set(key_ids()) - set(keys)
    if missing:
        keys.update({logical_id: key for logical_id, key in create_keys(kms).items() if logical_id in missing})
        if data_dir:
            save_keys(data_dir, keys)
    return keys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--empty", action="store_true", help="without the template's tables and keys")
    parser.add_argument("--data-dir", help="journal DynamoDB's writes here and replay them on start")
    parser.add_argument(
        "--template-keys", action="store_true", help="the template's KMS keys: restored from --data-dir, or made"
    )
    parser.add_argument("--parent-pid", type=int, help="stop when this process ends (make run, even killed -9)")
    arguments = parser.parse_args()
    data_dir = Path(arguments.data_dir) if arguments.data_dir else None
    server = EmbeddedAws(port=arguments.port, data_dir=data_dir)
    server.start()
    keys = _template_keys(server.endpoint, data_dir) if arguments.template_keys else {}
    # make run reads this line: where the server is, how many journaled writes it replayed, the keys' ids.
    print(
        f"embedded AWS (DynamoDB, KMS) endpoint={server.endpoint} replayed={server.replayed} "
        f"keys={json.dumps(keys, separators=(',', ':'))}",
        flush=True,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    if arguments.parent_pid:
        threading.Thread(target=_watch_parent, args=(arguments.parent_pid, stopped), daemon=True).start()
    if not arguments.empty:
        keys = create_template_resources(server.endpoint)
        overrides = " ".join(f"{logical_id}={key_id}" for logical_id, key_id in sorted(keys.items()))
        print(
            "with the template's tables and keys; where Docker runs, serve the API from containers with:\n"
            '  sam build && sam local start-api --parameter-overrides "Stage=local '
            f'LocalAwsEndpoint=http://host.docker.internal:{server.port} {overrides}"',
            flush=True,
        )
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    server.stop()


if __name__ == "__main__":
    main()
