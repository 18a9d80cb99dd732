"""A full run of the real server, every feature touched, its whole log read: no password, no
session token, no API key of DeepSeek or SleakOps, no email address in any line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from shipdeck.settings import DynamoDBSettings
from shipdeck_local.serve import free_port
from shipdeck_local.simulators.deepseek import LOCAL_API_KEY as DEEPSEEK_KEY
from shipdeck_local.simulators.deepseek.control import DeepSeekControl
from shipdeck_local.simulators.sleakops import LOCAL_API_KEY as SLEAKOPS_KEY
from shipdeck_local.simulators.sleakops.control import SleakOpsControl
from tests.support.api import PASSWORD, demo_project, start_build, start_deployment
from tests.support.processes import shipdeck, shipdeck_env, wait_until_healthy


async def touch_everything(base: str, sleakops: SleakOpsControl) -> list[str]:
    """Returns the secrets the run handled."""
    secrets: list[str] = [PASSWORD, DEEPSEEK_KEY, SLEAKOPS_KEY, "wrong-password-123"]
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        demo = await demo_project(http)
        secrets += [demo.owner.token, demo.owner.email]
        await http.post(
            "/api/auth/login", json={"email": demo.owner.email, "password": "wrong-password-123"}
        )
        cookie_login = await http.post(
            "/api/auth/login", json={"email": demo.owner.email, "password": PASSWORD}
        )
        secrets.append(cookie_login.json()["token"])
        await http.get("/api/me")  # with the cookie
        await http.get(f"/api/me?token={demo.owner.token}", headers=demo.owner.headers)
        sleakops.queue_script(
            "deploy", outcome="error", errors="boom", initial_polls=1, creating_polls=1
        )
        build = await start_build(http, demo.owner, demo.project_id)
        deploy = await start_deployment(http, demo.owner, demo.prod_id, image="v1")
        for _ in range(100):
            state = (
                await http.get(f"/api/releases/{deploy.json()['id']}", headers=demo.owner.headers)
            ).json()["state"]
            if state == "error":
                break
            await asyncio.sleep(0.1)
        async with http.stream(
            "POST", f"/api/releases/{deploy.json()['id']}/explain", headers=demo.owner.headers
        ) as answer:
            await answer.aread()
        conversation = (
            await http.post(
                f"/api/projects/{demo.project_id}/conversations",
                json={},
                headers=demo.owner.headers,
            )
        ).json()
        async with http.stream(
            "POST",
            f"/api/conversations/{conversation['id']}/messages",
            json={"content": "hi"},
            headers=demo.owner.headers,
        ) as answer:
            await answer.aread()
        assert build.status_code == 202
        await http.post("/api/auth/logout", headers=demo.owner.headers)
    return secrets


def test_logs_of_a_full_run_hold_no_secrets(
    database_url: str,
    dynamodb_settings: DynamoDBSettings,
    tmp_path: Path,
    deepseek: DeepSeekControl,
    sleakops: SleakOpsControl,
) -> None:
    port = free_port()
    env = shipdeck_env(
        database_url=database_url,
        dynamodb=dynamodb_settings,
        data_dir=tmp_path,
        SHIPDECK_HTTP_PORT=str(port),
        SHIPDECK_HTTP_PUBLIC_URL=f"http://127.0.0.1:{port}",
        SHIPDECK_LOG_LEVEL="DEBUG",
        SHIPDECK_DEEPSEEK_API_KEY=DEEPSEEK_KEY,
        SHIPDECK_DEEPSEEK_BASE_URL=deepseek.base_url,
        SHIPDECK_SLEAKOPS_API_KEY=SLEAKOPS_KEY,
        SHIPDECK_SLEAKOPS_BASE_URL=f"{sleakops.base_url}/api/",
        SHIPDECK_RELEASES_POLL_INTERVAL_SECONDS="0.1",
        SHIPDECK_RELEASES_RECONCILE_INTERVAL_SECONDS="0.1",
    )
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        server = shipdeck("serve", env=env, output=sink)
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", server)
            secrets = asyncio.run(touch_everything(f"http://127.0.0.1:{port}", sleakops))
        finally:
            server.terminate()
            server.wait(30)
    output = log.read_text()
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) > 50  # the run really logged (debug level, every request)
    assert sum('"event": "request"' in line for line in lines) > 20
    for secret in secrets:
        leaked = [line for line in lines if secret in line]
        assert not leaked, f"{secret[:4]}… appears in the log: {leaked[0][:300]}"
    for line in lines:
        if line.startswith("{"):
            json.loads(line)  # every line is one JSON object
