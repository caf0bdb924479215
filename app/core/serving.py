"""Serving the app under uvicorn, in one process or several, each worker with a listening socket of its own.

uvicorn's workers share one listening socket. When connections arrive together, every idle worker
wakes, and the first accepts all that are waiting (asyncio takes up to the backlog at once); a
keep-alive client then stays with that worker. Measured with 50 clients on 2 workers (PostgreSQL):
in one run the workers held 44 and 12 sockets (their few database connections included), and its
p99 was 309 ms at 352 registrations/s; the two runs that split them about evenly (26/30, 23/33)
had a p99 of 143-190 ms at 406-491/s. The busy worker held one core while the other idled.

So on Linux each worker opens its own socket on the address, with ``SO_REUSEPORT``, and the kernel
spreads new connections across the workers' sockets by a hash of the client's address and port
(the way nginx's ``reuse_port`` works). uvicorn's supervisor still starts, watches, restarts and
stops the workers; it hands each one a ``_PerWorkerSocket``, which a worker receives as a socket of
its own. Elsewhere (no ``SO_REUSEPORT``, or one that does not spread connections) uvicorn's shared
socket is used. A worker that stops drops the connections still waiting in its own queue, unless
``net.ipv4.tcp_migrate_req`` is set (Linux 5.14 and newer).
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

log = logging.getLogger("uvicorn.error")

SPREADS_CONNECTIONS = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


# How long an idle keep-alive connection is kept open. Whoever closes an idle connection first must
# be the client (a browser, httpx, a proxy in front): a server that closes one just as a request
# arrives on it loses that request, and the client sees the connection reset (httpx.ReadError, or
# a proxy's 502). uvicorn's own 5 s equals httpx's, which made a test's burst of registrations lose
# one in a loaded CI run, and is far below the 60 s that nginx keeps its upstream connections.
KEEP_ALIVE_SECONDS = 75

# How long the supervisor waits for a worker: to answer its ping before it is taken for hung and
# killed, and for a new one to be ready in a rolling restart (SIGHUP) before the restart is given up.
# uvicorn's 5 s is less than a worker takes to import the application and start on a busy machine,
# and every rolling restart on the loaded CI machine was given up.
WORKER_TIMEOUT_SECONDS = 30


def serve(
    app: str,
    *,
    host: str,
    port: int,
    workers: int,
    log_level: str = "info",
    access_log: bool = True,
    keep_alive: int = KEEP_ALIVE_SECONDS,
) -> None:
    """Serve the application factory ``app`` ("module:function") on ``host``:``port``."""
    # Imported here: the CLI reads this module's defaults for every command, and uvicorn takes a
    # fifth of a second to import.
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    options: dict[str, Any] = dict(
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=access_log,
        timeout_keep_alive=keep_alive,
        timeout_worker_healthcheck=WORKER_TIMEOUT_SECONDS,
    )
    if workers == 1 or not SPREADS_CONNECTIONS:
        uvicorn.run(app, **options)
        return
    config = uvicorn.Config(app, **options)
    listener = _PerWorkerSocket(host, port)
    listener.check_free()
    log.info("Uvicorn running on http://%s:%d, %d workers each with a socket of its own", host, port, workers)
    Multiprocess(config, sockets=[listener]).run()  # it handles SIGINT and SIGTERM itself


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def bind_reusing_port(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` beside the other workers' (``SO_REUSEPORT``). Not yet
    listening: uvicorn makes it listen once the application has started, and only then does the
    kernel send it connections. A worker that replaces one that died would otherwise be sent its
    share while it is still importing the application, seconds of waiting for those clients."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


class _PerWorkerSocket(socket.socket):
    """What the supervisor hands each worker: sent to a worker process, it arrives as a new socket
    bound to the address (``bind_reusing_port``), not as a copy of this one, which is never bound.
    multiprocessing sends a plain socket as a duplicate of its descriptor; it looks its reducer up
    by the exact type, so this subclass is sent by its own ``__reduce__``."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(_family(host), socket.SOCK_STREAM)
        self.address = (host, port)

    def check_free(self) -> None:
        """Fail now if anything listens on the address, as uvicorn's own socket would. Bound without
        ``SO_REUSEPORT``: with it, a second ``convene serve`` on the same port (the same user's)
        would silently share the connections with the first."""
        probe = socket.socket(self.family, socket.SOCK_STREAM)
        try:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(self.address)
        finally:
            probe.close()

    def __reduce__(self):
        return bind_reusing_port, self.address
