"""The serve helper: a real server on an ephemeral loopback port, started and stopped cleanly."""

from __future__ import annotations

import httpx
import pytest
from shipdeck_local.serve import ServedApp, free_port, serve_in_thread
from starlette.types import Receive, Scope, Send


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
