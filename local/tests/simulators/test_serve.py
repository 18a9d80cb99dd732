"""The serve helper: a real server on an ephemeral loopback port, started and stopped cleanly."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from shipdeck_local.serve import ServedApp, free_port, serve_in_thread
from shipdeck_local.simulators.sleakops import create_app


async def hello(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"hello"})


def test_serve_in_thread_yields_a_working_loopback_url() -> None:
    with serve_in_thread(hello) as url:
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "/").text == "hello"
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/", timeout=1)


def test_two_apps_get_different_ports_and_stop_independently() -> None:
    first, second = ServedApp(hello), ServedApp(hello)
    with first, second:
        assert first.port != second.port
        first.stop()
        assert httpx.get(second.base_url).text == "hello"


def test_free_port_refuses_connections() -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{free_port()}/", timeout=1)


def test_base_url_needs_a_started_server() -> None:
    with pytest.raises(RuntimeError):
        _ = ServedApp(hello).base_url


def test_a_stalled_request_does_not_hold_the_stop() -> None:
    app = ServedApp(create_app())
    app.start()
    with socket.create_connection(("127.0.0.1", app.port)) as client:
        client.sendall(b"GET /api/account/ HTTP/1.1\r\nHost: x\r\nX-Sim-Fault: stall\r\n\r\n")
        time.sleep(0.2)
        started = time.monotonic()
        app.stop()
        assert time.monotonic() - started < 0.5
        assert client.recv(100) == b""  # hung up, no answer
