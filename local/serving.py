"""The local stack's HTTP servers (the API and the embedded AWS), on waitress.

werkzeug's development server (what Flask's `app.run` and moto's server use)
closes the connection after every answer, so every SDK call and every API
request paid a new connection and a new thread; under load its accept loop,
waiting for each new thread to start, was itself a bottleneck. waitress keeps
connections alive and serves them from a fixed pool of threads.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

# waitress says so at WARNING whenever requests wait for a thread: under load that is every request, and it is
# what a pool of threads is for.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def serve_wsgi(app: Any, host: str, port: int, threads: int) -> Any:
    """A waitress server for `app` on host:port (0: a free port; `effective_port` says which), not yet running:
    its `run` serves until `stop_serving`, a signal's exception, or KeyboardInterrupt."""
    from waitress.server import create_server

    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        connection_limit=_connection_limit(),
        ident=None,
        asyncore_use_poll=True,  # select() stops at 1024 descriptors
    )


def _connection_limit() -> int:
    """As many kept-alive connections as this process may open files, less a margin. waitress's default, 100,
    is too few: every warm function environment of every worker keeps its own SDK connections, and past the
    limit a new connection waits, unanswered, until an idle one times out (two minutes)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return max(100, min(soft, 4096) - 64)


def request_stop(server: Any) -> None:
    """Ask a running server to stop: its own loop closes every socket (closing them from another thread would
    change the loop's map under it) and `run` returns. Safe in a signal handler."""
    from waitress import wasyncore

    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))


def stop_serving(server: Any, thread: threading.Thread | None) -> None:
    """Stop a server `serve_wsgi` made, running in `thread`, and end its request threads."""
    from waitress import wasyncore

    if thread is not None and thread.is_alive():
        request_stop(server)
        thread.join(timeout=5)
    else:
        wasyncore.close_all(server._map)
    server.task_dispatcher.shutdown()
