"""Serving with uvicorn, with the drain a load balancer needs.

On SIGTERM the process first fails readiness for `drain_seconds` while still serving (the load
balancer notices and stops routing here), then stops accepting, lets in-flight requests finish
within `graceful_shutdown_seconds`, and exits. Ctrl-C (SIGINT) skips the drain.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from types import FrameType

import uvicorn
from fastapi import FastAPI

from shipdeck.app import create_app
from shipdeck.observability.logs import get_logger
from shipdeck.resources import Resources
from shipdeck.settings import Settings

log = get_logger(__name__)


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, *, app: FastAPI, drain_seconds: float) -> None:
        super().__init__(config)
        self._app = app
        self._drain_seconds = drain_seconds
        self._draining = False

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        resources: Resources | None = getattr(self._app.state, "resources", None)
        if resources is not None:
            resources.lifecycle.draining = True
            _notify_streams(resources)
        if self._draining or sig != signal.SIGTERM or self._drain_seconds <= 0:
            super().handle_exit(sig, frame)
            return
        self._draining = True
        log.info("draining", seconds=self._drain_seconds)
        timer = threading.Timer(self._drain_seconds, super().handle_exit, args=(sig, frame))
        timer.daemon = True
        timer.start()


def _notify_streams(resources: Resources) -> None:
    """Long-lived streams end now, with a retry hint, rather than being cut at exit."""
    try:
        asyncio.get_running_loop().call_soon_threadsafe(resources.lifecycle.stopping.set)
    except RuntimeError:  # not inside the running loop (signal arrived before it started)
        resources.lifecycle.stopping.set()


def serve(settings: Settings) -> None:
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.http.host,
        port=settings.http.port,
        # Longer than the load balancer's idle timeout, or it reuses a connection we just closed
        # and answers 502.
        timeout_keep_alive=settings.http.keepalive_timeout_seconds,
        timeout_graceful_shutdown=int(settings.http.graceful_shutdown_seconds),
        proxy_headers=True,
        forwarded_allow_ips=",".join(settings.http.trusted_proxies),
        server_header=False,
        log_config=None,
        access_log=False,
        lifespan="on",
    )
    DrainingServer(config, app=app, drain_seconds=settings.http.drain_seconds).run()
