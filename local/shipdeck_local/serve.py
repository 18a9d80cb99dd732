"""Serve any ASGI app on a loopback port from a background thread.

Tests start a real server per test (the simulators, the API) and talk to it over a real
connection. ``serve_in_thread(app)`` binds an ephemeral port on 127.0.0.1 before the server
starts, so the URL is known at once and two servers never race for a port.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

from shipdeck_local.transport import TransportExposingH11Protocol

LOOPBACK = "127.0.0.1"


def free_port(host: str = LOOPBACK) -> int:
    """A port nothing listens on right now (for 'connection refused' tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def uvicorn_config(
    app: ASGIApp,
    *,
    host: str = LOOPBACK,
    port: int = 0,
    log_level: str = "warning",
    graceful_shutdown_seconds: float = 1.0,
) -> uvicorn.Config:
    """The one uvicorn configuration both the test helper and the command-line runners use."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=TransportExposingH11Protocol,
        lifespan="on",
        log_level=log_level,
        access_log=False,
        # Stalled connections are a feature of the simulators: don't let them hold a stop.
        timeout_graceful_shutdown=max(1, round(graceful_shutdown_seconds)),
        timeout_keep_alive=75,
    )


class _PromptServer(uvicorn.Server):
    """Stops quickly, as tests start and stop servers all the time.

    uvicorn checks for a stop request every 100 ms; this checks every 10 ms. Then it hangs up on
    the connections still open (stalled simulator answers, endless streams), so the app sees a
    disconnect instead of being cancelled after the graceful-shutdown timeout.
    """

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            await asyncio.sleep(0.01)
        for connection in list(self.server_state.connections):
            transport = getattr(connection, "transport", None)
            if isinstance(transport, asyncio.Transport):
                transport.close()


class ServedApp:
    """An ASGI app running in uvicorn on its own thread and event loop.

    Use as a context manager, or call ``start()`` / ``stop()``. ``base_url`` has no trailing
    slash, e.g. ``http://127.0.0.1:41234``.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        host: str = LOOPBACK,
        port: int = 0,
        log_level: str = "warning",
        startup_timeout: float = 10.0,
    ) -> None:
        self.app = app
        self.host = host
        self._requested_port = port
        self._log_level = log_level
        self._startup_timeout = startup_timeout
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        if not self.port:
            raise RuntimeError("the app is not being served; call start() first")
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        if self._thread is not None:
            raise RuntimeError("already started")
        # IPPROTO_TCP spelled out: asyncio turns Nagle's algorithm off only on sockets that
        # say they are TCP, and with it on every small answer waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        sock.listen(128)
        sock.setblocking(False)
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn_config(self.app, host=self.host, port=self.port, log_level=self._log_level)
        self._server = server = _PromptServer(config)
        self._thread = threading.Thread(
            target=lambda: asyncio.run(server.serve(sockets=[sock])),
            name=f"served-app-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + self._startup_timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server on port {self.port} did not start")
            time.sleep(0.005)
        return self.base_url

    def stop(self, timeout: float = 10.0) -> None:
        server, thread = self._server, self._thread
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
        self._server = None
        self._thread = None
        self._socket = None

    def __enter__(self) -> ServedApp:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


@contextmanager
def serve_in_thread(app: ASGIApp, *, host: str = LOOPBACK, port: int = 0) -> Iterator[str]:
    """Serve ``app`` for the duration of the block and yield its base URL."""
    served = ServedApp(app, host=host, port=port)
    served.start()
    try:
        yield served.base_url
    finally:
        served.stop()
