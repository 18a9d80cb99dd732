"""`make run` end to end over HTTP: the whole local stack as a user gets it.

Sign in as the demo user, deploy to prod and watch the states arrive on the live timeline, then
a scripted failure, and the co-pilot's explanation naming the error.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from shipdeck_local.serve import free_port
from shipdeck_local.simulators.sleakops.control import SleakOpsControl

ERROR = "CrashLoopBackOff: container api exited with code 1 (missing DATABASE_URL)"


@dataclass
class LocalRun:
    api: str
    sleakops: str


@pytest.fixture(scope="module")
def local_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRun]:
    data = tmp_path_factory.mktemp("local-run")
    api, dynamo, deepseek, sleakops = (free_port() for _ in range(4))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIPDECK_")}
    env.update(
        SHIPDECK_HTTP_PORT=str(api),
        SHIPDECK_DATA_DIR=str(data),
        SHIPDECK_AUTH_ARGON2_MEMORY_KIB="8192",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shipdeck_local.stack",
            "--dynamodb-port",
            str(dynamo),
            "--deepseek-port",
            str(deepseek),
            "--sleakops-port",
            str(sleakops),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    output: list[str] = []
    try:
        deadline = time.monotonic() + 90
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline().decode()
            output.append(line)
            if "Sign in as" in line:
                break
            if not line and process.poll() is not None:
                raise AssertionError("the local run stopped:\n" + "".join(output))
        else:
            raise AssertionError("the local run did not start:\n" + "".join(output))
        # Keep reading: a full pipe would stop the stack (and the API it started) mid-test.
        threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
        yield LocalRun(f"http://127.0.0.1:{api}", f"http://127.0.0.1:{sleakops}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
    # Ctrl-C (here SIGTERM) stops every process it started.
    left = subprocess.run(
        ["pgrep", "-f", f"--port {dynamo}"], capture_output=True, text=True, check=False
    )
    assert left.stdout.strip() == ""


def sse_json(response: httpx.Response, until: int) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    for line in response.iter_lines():
        if line.startswith("data:"):
            events.append(json.loads(line[5:].strip()))
            if len(events) >= until:
                break
    return events


def test_deploy_watch_fail_explain(local_run: LocalRun) -> None:
    with httpx.Client(base_url=local_run.api, timeout=30) as http:
        login = http.post(
            "/api/auth/login", json={"email": "demo@example.com", "password": "shipdeck-demo"}
        )
        assert login.status_code == 200
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        team = http.get("/api/teams", headers=auth).json()["items"][0]
        project = http.get(f"/api/teams/{team['id']}/projects", headers=auth).json()["items"][0]
        assert project["slug"] == "shipdeck-demo"
        environments = http.get(f"/api/projects/{project['id']}/environments", headers=auth)
        prod = next(e for e in environments.json()["items"] if e["name"] == "prod")
        last = http.get(f"/api/projects/{project['id']}/events", headers=auth).json()["items"]
        after = last[0]["id"] if last else "0"

        # A deployment, watched live: initial -> creating -> created on the simulator's script.
        with http.stream(
            "GET",
            f"/api/projects/{project['id']}/events/stream",
            headers={**auth, "Last-Event-ID": after},
        ) as stream:
            started = http.post(
                f"/api/environments/{prod['id']}/deployments",
                json={"image": "v2.0.0"},
                headers={**auth, "Idempotency-Key": "e2e-deploy-1"},
            )
            assert started.status_code == 202
            events = sse_json(stream, until=4)
        assert [e["type"] for e in events] == [
            "release.requested",
            "release.submitted",
            "release.state_changed",
            "release.state_changed",
        ]
        assert [e["data"]["to"] for e in events[2:]] == ["creating", "created"]  # type: ignore[index]

        # A scripted failure, then the co-pilot's explanation.
        SleakOpsControl(local_run.sleakops).queue_script(
            "deploy", outcome="error", errors=ERROR, initial_s=0.2, creating_s=0.3
        )
        failing = http.post(
            f"/api/environments/{prod['id']}/deployments",
            json={"image": "v2.0.1"},
            headers={**auth, "Idempotency-Key": "e2e-deploy-2"},
        ).json()
        deadline = time.monotonic() + 30
        while http.get(f"/api/releases/{failing['id']}", headers=auth).json()["state"] != "error":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        with http.stream("POST", f"/api/releases/{failing['id']}/explain", headers=auth) as answer:
            assert answer.status_code == 200
            frames = sse_json(answer, until=10_000)
        assert frames[-1]["type"] == "done"
        text = "".join(str(f["text"]) for f in frames if f["type"] == "delta")
        assert "CrashLoopBackOff" in text
