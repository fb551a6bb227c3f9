"""Concurrent holds against a stack on the embedded DynamoDB server (the racing test and `make bench`).

Each worker is a separate process with its own warm copy of the hold function,
as concurrent Lambda environments are; the embedded DynamoDB runs in a process
of its own. Nothing but conditional writes stands between the workers.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from local.embedded_aws import aws_client
from local.runtime import PROJECT_ROOT, FunctionSpec, InProcessRuntime
from local.template import LocalStack, create_keys, create_tables, local_table_names, resolve
from tools import factories
from tools.generate_events import request_event

MANAGER = factories.staff_context("manager", factories.MANAGER_PERMISSIONS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EmbeddedServer:
    """`python -m local.embedded_aws` in a process of its own, on a free port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    def client(self, service: str) -> Any:
        return aws_client(service, self.endpoint)

    def __enter__(self) -> EmbeddedServer:
        command = [sys.executable, "-m", "local.embedded_aws", "--port", str(self.port), "--empty"]
        self._process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.client("dynamodb").list_tables()
                return self
            except Exception:
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise
                time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        if self._process:
            self._process.terminate()
            self._process.wait(timeout=10)

    def stack(self, **parameters: str) -> LocalStack:
        """The template on this server: fresh tables (a unique prefix) and keys."""
        names = local_table_names(prefix=f"load{random.randrange(10**9)}-")
        create_tables(self.client("dynamodb"), names)
        keys = create_keys(self.client("kms"))
        return resolve({"Stage": "local", "LocalAwsEndpoint": self.endpoint, **parameters}, {**names, **keys})


def call(
    runtime: InProcessRuntime,
    function: str,
    body: dict[str, Any] | None,
    identity: dict[str, str],
    path: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    event = request_event(function, path=path, body=body, identity=identity, headers=headers)
    answer = runtime.invoke(function, event)
    return answer["statusCode"], json.loads(answer["body"]) if answer.get("body") else None


def make_screening(runtime: InProcessRuntime, rows: int, seats: int, starts_at: str = "2099-01-01T20:00:00Z") -> str:
    def create(function: str, body: dict[str, Any]) -> dict[str, Any]:
        status, answer = call(runtime, function, body, MANAGER)
        assert status == 201, answer
        return dict(answer)

    return factories.make_screening(create, starts_at=starts_at, rows=rows, seats=seats, price_cents=900)


@dataclass(frozen=True)
class Attempt:
    status: int
    chairs: list[str]
    user: str
    body: Any
    seconds: float


@dataclass(frozen=True)
class HoldJob:
    spec: FunctionSpec
    screening_id: str
    attempts: int
    seed: int
    chairs: tuple[str, ...]
    chairs_per_hold: tuple[int, ...]
    one_user: bool  # every attempt by the same user (the per-user cap), or a new user each time


def hold_worker(job: HoldJob) -> list[Attempt]:
    """One Lambda environment of the hold function making `job.attempts` holds."""
    runtime = InProcessRuntime({job.spec.logical_id: job.spec})
    pick = random.Random(job.seed)
    results = []
    for attempt in range(job.attempts):
        chairs = pick.sample(list(job.chairs), pick.choice(job.chairs_per_hold))
        user = "the-hoarder" if job.one_user else f"racer-{job.seed}-{attempt}"
        # Established accounts: what races here is chairs, not the limits new accounts meet.
        identity = {"sub": user, "username": user, "permissions": "screenings:view orders:create", "created": "0"}
        started = time.perf_counter()
        status, body = call(
            runtime, job.spec.logical_id, {"screening_id": job.screening_id, "chairs": chairs}, identity
        )
        results.append(Attempt(status, chairs, user, body, time.perf_counter() - started))
    return results


def race(
    spec: FunctionSpec,
    screening_id: str,
    *,
    workers: int,
    attempts_per_worker: int,
    chairs: list[str],
    chairs_per_hold: tuple[int, ...] = (1,),
    one_user: bool = False,
) -> list[Attempt]:
    """`workers` processes holding at once; every attempt they made."""
    jobs = [
        HoldJob(spec, screening_id, attempts_per_worker, seed, tuple(chairs), chairs_per_hold, one_user)
        for seed in range(workers)
    ]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        batches = pool.map(hold_worker, jobs)
    return [attempt for batch in batches for attempt in batch]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]
