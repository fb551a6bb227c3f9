"""Several warm environments per function, as Lambda has: `make run`'s functions in worker processes.

In one process, every invocation waits for the one before it (an
environment's modules are swapped in and out of the interpreter, and Python
runs one thread at a time). Lambda runs concurrent requests in separate
environments; so does this: each worker process holds a warm environment of
every function (made on first use, as a cold start) and serves one
invocation at a time, and an invocation goes to whichever worker is free.
The embedded DynamoDB stays one request at a time (DynamoDB's per-item
atomicity is what the conditional writes rely on, and moto's server is
serialized).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from multiprocessing.connection import Connection
from typing import Any

from local.runtime import FunctionError, FunctionSpec

# Not one per core: a worker spends most of an invocation waiting for the embedded server, so with fewer workers
# than this the cores idle while requests queue for a worker (16 clients on 2 cores: 2 workers ~33 holds/s,
# 4 ~50, 6 ~55-65). Each is an ~90 MB process, warm environments included.
DEFAULT_WORKERS = 6


def _serve(connection: Connection, specs: dict[str, FunctionSpec], nice: int = 0) -> None:
    """A worker: invocations in, results (or Lambda's error payloads) out, until the pipe closes."""
    from local.runtime import InProcessRuntime

    if nice:
        os.nice(nice)

    runtime = InProcessRuntime(specs)
    connection.send(("ready", None))  # the interpreter and the runtime are loaded: requests may come
    while True:
        try:
            logical_id, event = connection.recv()
        except (EOFError, OSError):
            return
        try:
            connection.send(("ok", runtime.invoke(logical_id, event)))
        except FunctionError as error:
            connection.send(("error", error.payload))
        except Exception as error:  # nothing a function does may take the worker down
            connection.send(("error", {"errorMessage": str(error), "errorType": type(error).__name__}))


class _Worker:
    def __init__(self, context: Any, specs: dict[str, FunctionSpec], nice: int = 0) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, specs, nice), daemon=True, name="boxoffice-worker")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float = 120) -> None:
        if not self.connection.poll(timeout):
            raise RuntimeError("a worker process did not start")
        kind, _ = self.connection.recv()
        assert kind == "ready", kind

    def invoke(self, logical_id: str, event: Any) -> Any:
        self.connection.send((logical_id, event))
        kind, answer = self.connection.recv()
        if kind == "error":
            raise FunctionError(answer)
        return answer

    def stop(self) -> None:
        self.connection.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()


class WorkerPoolRuntime:
    """InProcessRuntime's `invoke` and `specs`, over `workers` processes; a worker that dies is replaced.

    `nice` lowers the workers' CPU priority (background work: on a busy machine the API's workers come first)."""

    def __init__(self, specs: dict[str, FunctionSpec], workers: int = DEFAULT_WORKERS, nice: int = 0) -> None:
        self.specs, self._nice = specs, nice
        self._context = multiprocessing.get_context("spawn")  # no copy of this process's threads or sockets
        # Last in, first out, as Lambda hands a request to a warm environment: the worker that served last (its
        # functions warm) takes the next invocation; the others start their functions only under concurrency.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        started = [_Worker(self._context, self.specs, nice) for _ in range(workers)]  # they start side by side
        for worker in started:
            self._ready(worker)

    def _add(self) -> None:
        self._ready(_Worker(self._context, self.specs, self._nice))

    def _ready(self, worker: _Worker) -> None:
        """Wait until the worker can serve (so nothing answers before it can), then let it take invocations."""
        worker.wait_ready()
        with self._lock:
            self._all.append(worker)
        self._idle.put(worker)

    def invoke(self, logical_id: str, event: Any) -> Any:
        worker = self._idle.get()
        try:
            answer = worker.invoke(logical_id, event)
        except (EOFError, OSError, BrokenPipeError):
            with self._lock:
                self._all.remove(worker)
            worker.stop()
            self._add()
            raise FunctionError(
                {"errorMessage": "The function's environment died", "errorType": "Runtime.ExitError"}
            ) from None
        except FunctionError:
            self._idle.put(worker)
            raise
        self._idle.put(worker)
        return answer

    def stop(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.stop()
