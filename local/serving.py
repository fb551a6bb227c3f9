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
logger = logging.getLogger(__name__)


class WsgiServer:
    """A waitress server for `app` on host:port (0: a free port; `port` says which). `serve` serves in the calling
    thread until `request_stop`, from any thread or a signal handler, or Ctrl-C."""

    def __init__(self, app: Any, host: str, port: int, threads: int) -> None:
        from waitress.server import create_server

        self._server = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            connection_limit=_connection_limit(),
            ident=None,
            asyncore_use_poll=True,  # select() stops at 1024 descriptors
        )
        self._stopping = threading.Event()

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def serve(self) -> None:
        """waitress's loop, one poll at a time, until a stop is requested; then, in this thread (closing sockets
        from another would change the loop's map under it), every socket is closed and the request threads end.
        A poll waits at most a second (waitress's loop timeout), so a stop never rests on the wake-up pipe alone."""
        from waitress import wasyncore

        server = self._server
        try:
            while not self._stopping.is_set() and server._map:
                wasyncore.loop(timeout=server.adj.asyncore_loop_timeout, map=server._map, use_poll=True, count=1)
        except KeyboardInterrupt:
            pass
        finally:
            self._close()

    def request_stop(self) -> None:
        """Ask `serve` to return; it does within its loop's timeout, at once when the wake-up pipe is open."""
        self._stopping.set()
        wake_up = self._server.trigger
        if wake_up._closed:
            # waitress closes its pipe only with the whole server; the number may already be another file's.
            logger.warning("the server's wake-up pipe is closed; it stops at its next poll")
            return
        try:
            wake_up.pull_trigger()
        except OSError as error:
            logger.warning("the server's wake-up pipe failed (%s); it stops at its next poll", error)

    def stop(self, thread: threading.Thread | None) -> None:
        """Stop this server, serving in `thread` (or never started), and wait for it to be done."""
        if thread is not None and thread.is_alive():
            self.request_stop()
            thread.join(timeout=10)
        else:
            self._close()

    def _close(self) -> None:
        """Every socket closed and the request threads ended: in the loop's thread, or with no loop running."""
        from waitress import wasyncore

        wasyncore.close_all(self._server._map)
        self._server.task_dispatcher.shutdown()


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
