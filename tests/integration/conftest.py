"""The local stack (`make run`) as a real process on a free port, started and stopped by the tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests

from local.runtime import PROJECT_ROOT

ADMIN_PASSWORD = "integration-admin-pw"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LocalStackProcess:
    url: str
    port: int
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)

    def log(self) -> str:
        return "".join(self.output)

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)


def start_local_stack(*extra: str, port: int | None = None, wait: bool = True) -> LocalStackProcess:
    """The stack as `make run` starts it; in memory only unless `extra` names a --data-dir."""
    port = port or free_port()
    if "--data-dir" not in extra:
        extra = (*extra, "--data-dir", "")
    environment = {**os.environ, "BOXOFFICE_ADMIN_PASSWORD": ADMIN_PASSWORD, "PYTHONUNBUFFERED": "1"}
    for variable in [name for name in environment if name.endswith("_TABLE") or name.startswith("TOKEN_")]:
        del environment[variable]
    process = subprocess.Popen(
        [sys.executable, "-m", "local.stack", "--port", str(port), *extra],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    stack = LocalStackProcess(url=f"http://127.0.0.1:{port}", port=port, process=process)
    threading.Thread(target=lambda: stack.output.extend(iter(process.stdout.readline, "")), daemon=True).start()
    if wait:
        try:
            _wait_until_answering(stack)
        except BaseException:
            stack.stop()  # whatever went wrong, nothing is left running
            raise
    return stack


def _wait_until_answering(stack: LocalStackProcess) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            raise RuntimeError(f"the local stack exited with {stack.process.returncode}:\n{stack.log()}")
        try:
            if requests.get(f"{stack.url}/.well-known/openid-configuration", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or too busy to answer within 2 s
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the local stack did not answer within 90 s:\n{stack.log()}")


# The shared stack's clients all come from 127.0.0.1: the fuzz alone sends hundreds of failed logins and
# registrations from it under make test-deep, and the per-address limits would then refuse every other test's
# logins. Those limits are tested where the address is chosen (tests/component/test_abuse.py).
SHARED_STACK_PARAMETERS = "LoginFailuresPerAddress=100000 MaxRegistrationsPerAddress=100000"


@pytest.fixture(scope="session")
def local_stack() -> Iterator[LocalStackProcess]:
    stack = start_local_stack("--params", SHARED_STACK_PARAMETERS)
    yield stack
    assert stack.stop() == 0, stack.log()
