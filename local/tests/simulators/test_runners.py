"""`python -m shipdeck_local.simulators.<name>` serves the simulator on the given port."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from shipdeck_local.serve import free_port


def wait_for(url: str, headers: dict[str, str], deadline_s: float = 15.0) -> httpx.Response:
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            return httpx.get(url, headers=headers, timeout=1)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize(
    ("module", "path", "headers", "expected"),
    [
        (
            "deepseek",
            "/v1/models",
            {"Authorization": "Bearer sk-shipdeck-local"},
            {"object": "list"},
        ),
        (
            "sleakops",
            "/api/cli-build/nope/",
            {"Authorization": "Api-Key shipdeck-local-key"},
            {"detail": "Not found."},
        ),
    ],
)
def test_module_runner_serves_on_loopback(
    module: str, path: str, headers: dict[str, str], expected: dict[str, str]
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            f"shipdeck_local.simulators.{module}",
            "--port",
            str(port),
            "--set",
            "seed=7",
            "--log-level",
            "warning",
        ],
    )
    try:
        body = wait_for(f"http://127.0.0.1:{port}{path}", headers).json()
        assert expected.items() <= body.items()
        settings = httpx.get(f"http://127.0.0.1:{port}/_sim/settings").json()
        assert settings["seed"] == 7
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize("fault", ["reset", "close_after_headers"])
def test_connection_faults_break_the_connection_when_run_as_a_module(fault: str) -> None:
    """The module runner serves on uvloop, whose transports are not asyncio's classes: a reset
    must still be a reset (and a close a close), never a 500 from an escaped exception."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "shipdeck_local.simulators.sleakops", "--port", str(port)],
    )
    headers = {"Authorization": "Api-Key shipdeck-local-key", "X-Sim-Fault": fault}
    try:
        wait_for(f"http://127.0.0.1:{port}/_sim/settings", {})
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/api/cli-build/nope/", headers=headers, timeout=5)
    finally:
        process.terminate()
        process.wait(10)
