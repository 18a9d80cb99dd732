"""SIGTERM: readiness fails first while requests are still served, the in-flight request
finishes, then the process exits cleanly."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx

from shipdeck.settings import DynamoDBSettings
from shipdeck_local.dynamodb import free_port
from tests.support.api import PASSWORD, unique_email
from tests.support.processes import shipdeck, shipdeck_env, wait_until_healthy


def test_sigterm_drains_then_exits(
    database_url: str, dynamodb_settings: DynamoDBSettings, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = shipdeck_env(
        database_url=database_url,
        dynamodb=dynamodb_settings,
        data_dir=tmp_path,
        SHIPDECK_HTTP_PORT=str(port),
        SHIPDECK_HTTP_DRAIN_SECONDS="1.5",
        SHIPDECK_HTTP_GRACEFUL_SHUTDOWN_SECONDS="10",
        SHIPDECK_HTTP_PUBLIC_URL=base,
    )
    server = shipdeck("serve", env=env)
    try:
        wait_until_healthy(base, server)
        email = unique_email()
        body = f'{{"email": "{email}", "password": "{PASSWORD}", "name": "Slow"}}'.encode()

        def slow_body():  # the request is still being uploaded when SIGTERM arrives
            for i in range(0, len(body), 8):
                time.sleep(0.1)
                yield body[i : i + 8]

        result: dict[str, httpx.Response] = {}
        upload = threading.Thread(
            target=lambda: result.setdefault(
                "r",
                httpx.post(
                    f"{base}/api/auth/signup",
                    content=slow_body(),
                    headers={"Content-Type": "application/json"},
                    timeout=30,
                ),
            )
        )
        upload.start()
        time.sleep(0.3)
        server.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        during = httpx.get(f"{base}/readyz", timeout=5)
        assert during.status_code == 503 and during.json()["status"] == "draining"
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200  # still serving

        upload.join(30)
        assert result["r"].status_code == 201, result["r"].text
        # uvicorn re-raises the signal once shut down, so the exit status says "terminated by
        # SIGTERM" (143 in a container), after the lifespan has closed everything.
        assert server.wait(20) in (0, -signal.SIGTERM)
        output = server.stdout.read().decode() if server.stdout else ""
        assert '"event": "draining"' in output and '"event": "stopped"' in output, output
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
