"""Holds per second under `make run`: HTTP clients against the local stack, and the same against an older commit.

Each level runs `clients` threads in this process, each with its own kept-alive
connection, holding one chair per request with tokens of its own customers
(so no per-user or per-address limit is what is measured: the limits are
lifted by parameters). The stack runs as `make run` runs it
(`python -m local.stack`), in a process of its own, on a fresh data folder.
The older commit is checked out with `git worktree` and run with this .venv.
"""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.before import BEFORE_COMMIT, checkout
from local.runtime import PROJECT_ROOT
from tools import factories
from tools.load import free_port, percentile

LEVELS = (1, 4, 16, 32)
HOLDS_PER_CLIENT = {1: 40, 4: 20, 16: 20, 32: 20}
QUOTA = 10  # MaxHeldChairsPerUser: each customer holds at most this many chairs
PARAMETERS = (
    "NewAccountHours=0 MaxHeldChairsPerAddress=100000 MaxRegistrationsPerAddress=100000 "
    f"LoginFailuresPerAddress=100000 MaxHeldChairsPerUser={QUOTA}"
)


class Client:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body) if body is not None else None
        self.connection.request(method, path, body=payload, headers=headers)
        response = self.connection.getresponse()
        text = response.read()
        return response.status, json.loads(text) if text else None


class RunningStack:
    """`python -m local.stack` from `root`, on a free port and a fresh data folder."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        self._data = tempfile.TemporaryDirectory()
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> RunningStack:
        command = [
            sys.executable, "-m", "local.stack", "--port", str(self.port), "--params", PARAMETERS,
            "--data-dir", self._data.name,
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command, cwd=self.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if "Boxoffice is running at" in line:
                threading.Thread(target=self._process.stdout.read, daemon=True).start()  # keep the pipe drained
                return self._listening()
        raise RuntimeError(f"the stack at {self.root} did not start")

    def _listening(self) -> RunningStack:
        deadline = time.monotonic() + 30
        while True:
            try:
                Client(self.port).send("GET", "/.well-known/openid-configuration")
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=30)
        self._data.cleanup()


def _admin_token(port: int) -> str:
    from local.demo import logins

    _, username, password = next(login for login in logins() if login[0] == "administrator")
    status, body = Client(port).send("POST", "/auth/login", {"username": username, "password": password})
    assert status == 200, body
    return str(body["access_token"])


def _screening(port: int, admin: str, rows: int, seats: int) -> tuple[str, list[str]]:
    """A screening of a rows x seats hall, made over HTTP, and its chair ids in seat order."""
    client = Client(port)
    paths = {"CreateMovieFunction": "/movies", "CreateHallFunction": "/halls", "CreateScreeningFunction": "/screenings"}

    def create(function: str, body: dict[str, Any]) -> dict[str, Any]:
        status, created = client.send("POST", paths[function], body, admin)
        assert status == 201, created
        return dict(created)

    screening_id = factories.make_screening(create, starts_at="2099-06-01T20:00:00Z", rows=rows, seats=seats)
    chairs: list[str] = []
    cursor = ""
    while True:
        status, page = client.send("GET", f"/screenings/{screening_id}/chairs?limit=500{cursor}", token=admin)
        assert status == 200, page
        chairs += [chair["chair_id"] for chair in page["items"]]
        if not page.get("next_cursor"):
            return screening_id, chairs
        cursor = f"&cursor={page['next_cursor']}"


def _customers(port: int, count: int) -> list[str]:
    client, tokens = Client(port), []
    for index in range(count):
        user = {
            "username": f"load{time.time_ns()}{index}",
            "password": "a long load password",
            "first_name": "L",
            "last_name": "D",
            "email": f"load{index}@example.com",
        }
        status, body = client.send("POST", "/auth/register", user)
        assert status == 201, body
        status, body = client.send("POST", "/auth/login", {"username": user["username"], "password": user["password"]})
        assert status == 200, body
        tokens.append(str(body["access_token"]))
    return tokens


def _level(port: int, screening_id: str, chairs: list[str], tokens: list[str], clients: int) -> dict[str, Any]:
    holds = HOLDS_PER_CLIENT[clients]
    latencies: list[float] = []
    refusals: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)

    def work(index: int) -> None:
        client = Client(port)
        mine = chairs[index * holds : (index + 1) * holds]
        own_tokens = tokens[index * holds // QUOTA : (index + 1) * holds // QUOTA]
        start.wait()
        for number, chair in enumerate(mine):
            before = time.perf_counter()
            status, _ = client.send(
                "POST", "/orders", {"screening_id": screening_id, "chairs": [chair]}, own_tokens[number // QUOTA]
            )
            elapsed = (time.perf_counter() - before) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 201:
                    refusals.append(status)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return {
        "clients": clients,
        "holds": len(latencies),
        "refused": len(refusals),
        "holds_per_second": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
    }


def measure_stack(root: Path) -> list[dict[str, Any]]:
    total = sum(clients * HOLDS_PER_CLIENT[clients] for clients in LEVELS)
    seats = 40
    rows = -(-total // seats)
    with RunningStack(root) as stack:
        admin = _admin_token(stack.port)
        screening_id, chairs = _screening(stack.port, admin, rows, seats)
        tokens = _customers(stack.port, total // QUOTA + len(LEVELS))
        # Warm every environment on the path (the first hold of each is a cold start, not what is measured).
        Client(stack.port).send("GET", f"/screenings/{screening_id}/chairs?limit=1", token=tokens[-1])
        results, used_chairs, used_tokens = [], 0, 0
        for clients in LEVELS:
            count = clients * HOLDS_PER_CLIENT[clients]
            results.append(
                _level(
                    stack.port,
                    screening_id,
                    chairs[used_chairs : used_chairs + count],
                    tokens[used_tokens : used_tokens + count // QUOTA],
                    clients,
                )
            )
            used_chairs += count
            used_tokens += count // QUOTA
    return results


def measure() -> dict[str, Any]:
    after = measure_stack(PROJECT_ROOT)
    with checkout() as worktree:
        before = measure_stack(worktree) if worktree is not None else None
    return {"before_commit": BEFORE_COMMIT, "before": before, "after": after}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
