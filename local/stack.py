"""`make run`: the whole API on one port, with no Docker and no AWS account.

    python -m local.stack --port 3000 --params "HoldSeconds=30"

One process runs all of it: the embedded DynamoDB and KMS (moto, one request
at a time), the tables and keys of template.yaml, every function in process,
SAM's local API Gateway emulator with the template's routes and authorizer,
the template's schedules firing at their rate, and demo data. Ctrl-C or
SIGTERM stops everything; nothing is left running.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import socket
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from local import demo
from local.api import LocalHttpApi
from local.demo import DEMO_PASSWORD
from local.embedded_aws import EmbeddedAwsProcess, aws_client
from local.events import EventPlumbing, create_bus_and_queues
from local.runtime import PROJECT_ROOT, FunctionError, InProcessRuntime, SamLambdaRunner
from local.template import (
    LOCAL_REGION,
    LocalStack,
    ParameterError,
    authorizer_cache_seconds,
    check_parameters,
    create_tables,
    local_table_names,
    rate_seconds,
    resolve,
)
from local.workers import DEFAULT_WORKERS, WorkerPoolRuntime

BACKGROUND_NICE = 10

log = logging.getLogger("boxoffice.local")
DEFAULT_DATA_DIR = PROJECT_ROOT / ".local-data"


def parse_parameters(text: str) -> dict[str, str]:
    """`Key=Value Key2=Value2`, as `sam deploy --parameter-overrides` takes them, checked against the template."""
    parameters = {}
    for pair in text.split():
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise ParameterError(f"Parameter '{pair}' is not Key=Value")
        parameters[key] = value
    check_parameters(parameters)
    return parameters


def scheduled_event(rule: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": LOCAL_REGION,
        "resources": [f"arn:aws:events:{LOCAL_REGION}:123456789012:rule/{rule}"],
        "detail": {},
    }


class Scheduler:
    """Fires the template's `rate(...)` schedules, each on its own timer."""

    def __init__(self, runtime: InProcessRuntime | WorkerPoolRuntime) -> None:
        self.runtime = runtime
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> Scheduler:
        for spec in self.runtime.specs.values():
            for expression in spec.schedules:
                thread = threading.Thread(
                    target=self._run,
                    args=(spec.logical_id, rate_seconds(expression)),
                    name=f"schedule-{spec.logical_id}",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)
        return self

    def _run(self, logical_id: str, every_seconds: int) -> None:
        while not self._stop.wait(every_seconds):
            try:
                result = self.runtime.invoke(logical_id, scheduled_event(logical_id))
                log.info("schedule %s: %s", logical_id, result)
            except FunctionError as error:
                log.error("schedule %s failed: %s", logical_id, error.payload.get("errorMessage"))

    def stop(self) -> None:
        self._stop.set()


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


class LocalRun:
    """Everything `make run` starts, in this process."""

    def __init__(
        self,
        host: str,
        port: int,
        parameters: dict[str, str],
        with_demo: bool = True,
        data_dir: Path | None = None,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.host, self.port = host, port
        self.user_parameters = parameters
        self.with_demo = with_demo
        self.data_dir = data_dir
        self.restored = False
        # In a process of its own: moto and the API then run on both cores, not in turns.
        self.aws = EmbeddedAwsProcess(data_dir=data_dir)
        self.scheduler: Scheduler | None = None
        self.events: EventPlumbing | None = None
        self.stack: LocalStack | None = None
        self.api: LocalHttpApi | None = None
        self.demo_logins: list[tuple[str, str, str]] = []
        self.demo_ids: dict[str, str] = {}
        self.web = False
        self.workers = workers
        self.runtime: WorkerPoolRuntime | None = None
        self.background_runtime: WorkerPoolRuntime | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        self.aws.start()
        names = local_table_names()
        dynamodb = aws_client("dynamodb", self.aws.endpoint)
        existing = set(dynamodb.list_tables()["TableNames"])
        self.restored = bool(existing)
        create_tables(dynamodb, names, existing)
        keys = self.aws.keys  # made, or restored from the data folder, by the embedded server's process
        parameters = {
            "Stage": "local",
            "LocalAwsEndpoint": self.aws.endpoint,
            "IssuerUrl": self.url,
            **self.user_parameters,
        }
        bus_and_queues = create_bus_and_queues(
            aws_client("events", self.aws.endpoint), aws_client("sqs", self.aws.endpoint)
        )
        self.stack = resolve(parameters, {**names, **keys, **bus_and_queues})
        # Several warm environments per function, in worker processes, as Lambda runs concurrent requests; and a
        # worker of their own for the schedules and the event consumers: in AWS those run in environments of
        # their own functions, never in the API's; here they share the machine's cores, so the background worker
        # yields its CPU to the API's (nice 10: at 16 clients it was the busiest process). Both pools start side
        # by side.
        background: list[WorkerPoolRuntime] = []
        starting = threading.Thread(
            target=lambda: background.append(WorkerPoolRuntime(self.stack.functions, 1, nice=BACKGROUND_NICE))
        )
        starting.start()
        runtime = self.runtime = WorkerPoolRuntime(self.stack.functions, self.workers)
        starting.join()
        self.background_runtime = background[0]
        if self.with_demo and not self.restored:
            self.demo_ids, self.demo_logins = demo.load(self.stack.functions)
        elif self.with_demo:
            self.demo_logins = demo.logins()
        if self.restored:
            demo.migrate(self.stack.functions)
        self.scheduler = Scheduler(self.background_runtime).start()
        # The tables' streams and the bus, as Lambda's event source mappings and EventBridge's rules (from now on).
        clients = {
            service: aws_client(service, self.aws.endpoint)
            for service in ("dynamodb", "dynamodbstreams", "events", "sqs")
        }
        self.events = EventPlumbing(self.background_runtime, clients, names, from_start=False).start()
        self.api = LocalHttpApi(
            api=self.stack.api,
            lambda_runner=SamLambdaRunner(runtime, log=log.error, after=self.events.nudge),  # type: ignore[arg-type]
            port=self.port,
            host=self.host,
        )
        self.api.authorizer_cache_seconds = authorizer_cache_seconds(self.stack.parameters)
        self.api.create()
        self.api.serve_docs(PROJECT_ROOT / "docs" / "openapi.json")
        self.web = self.api.serve_web(PROJECT_ROOT / "web" / "dist")

    def banner(self) -> str:
        assert self.stack is not None
        lines = [
            "",
            f"Boxoffice is running at {self.url}",
            f"  {len(self.stack.functions)} functions, {len(self.stack.api.routes)} routes, "
            f"embedded DynamoDB+KMS at {self.aws.endpoint}",
            f"  parameters: {' '.join(f'{k}={v}' for k, v in sorted(self.stack.parameters.items()))}",
        ]
        if self.data_dir:
            state = f"restored ({self.aws.replayed} writes replayed)" if self.restored else "new"
            lines.append(f"  local data: {self.data_dir} ({state}; `make clean-data` starts clean)")
        else:
            lines.append("  local data: in memory only")
        if self.demo_logins:
            lines.append("  demo logins (local only):")
            lines += [f"    {role:<13} {username} / {password}" for role, username, password in self.demo_logins]
            if "screening_id" in self.demo_ids:
                lines.append(f"  demo screening (tomorrow 20:00, Europe/Berlin): {self.demo_ids['screening_id']}")
            lines.append(
                f"  try: curl -s {self.url}/auth/login -H 'content-type: application/json' "
                f'-d \'{{"username":"demo","password":"{DEMO_PASSWORD}"}}\''
            )
        if self.web:
            lines.append(f"  web app: {self.url}/")
        else:
            lines.append("  web app: not built (`make web` builds it; `make run` does when npm is there)")
        lines.append(f"  API docs: {self.url}/docs (OpenAPI: {self.url}/openapi.json)")
        lines += ["  Ctrl-C stops it.", ""]
        return "\n".join(lines)

    def serve_forever(self) -> None:
        assert self.api is not None
        self.api.run()

    def stop(self) -> None:
        if self.scheduler:
            self.scheduler.stop()
        if self.events:
            self.events.stop()
        for pool in (self.runtime, self.background_runtime):
            if pool:
                pool.stop()
        self.aws.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make run", description="Boxoffice's whole API on this machine")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--params", default=os.environ.get("PARAMS", ""), help='e.g. "HoldSeconds=30"')
    parser.add_argument("--no-demo", action="store_true", help="start with empty tables")
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("BOXOFFICE_DATA_DIR", str(DEFAULT_DATA_DIR)),
        help="where local data lives between runs; empty keeps it in memory only",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("BOXOFFICE_WORKERS", DEFAULT_WORKERS)),
        help="worker processes, each a warm environment of every function (Lambda's concurrency)",
    )
    arguments = parser.parse_args(argv)

    os.environ["SAM_CLI_TELEMETRY"] = "0"
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("boxoffice.local").setLevel(logging.INFO)
    logging.getLogger("local.access").setLevel(logging.INFO)

    try:
        parameters = parse_parameters(arguments.params)
    except ParameterError as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1
    if not port_is_free(arguments.host, arguments.port):
        print(f"error: port {arguments.port} is already in use; choose another with PORT=...", file=sys.stderr)
        return 1

    started = time.monotonic()
    data_dir = Path(arguments.data_dir).resolve() if arguments.data_dir else None
    run = LocalRun(
        arguments.host, arguments.port, parameters, not arguments.no_demo, data_dir, max(1, arguments.workers)
    )
    try:
        run.start()
        print(run.banner() + f"  (started in {time.monotonic() - started:.1f} s)\n", flush=True)
        run.serve_forever()  # returns on SIGTERM (LocalHttpApi.run)
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C or SIGTERM must not interrupt the clean-up.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        run.stop()
        print("Boxoffice stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
