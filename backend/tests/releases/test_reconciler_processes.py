"""Two API processes on one database follow the same releases: each release is polled by one
process at a time, and the work is shared."""

from __future__ import annotations

import asyncio
import itertools
import time
from pathlib import Path

import httpx

from shipdeck.settings import DynamoDBSettings
from shipdeck_local.serve import free_port
from shipdeck_local.simulators.sleakops.control import SleakOpsControl
from tests.support.api import demo_project, start_deployment
from tests.support.processes import shipdeck, shipdeck_env, wait_until_healthy

RELEASES = 6
POLLS_PER_STATE = 2


def test_each_release_is_polled_by_one_process_at_a_time(
    database_url: str,
    dynamodb_settings: DynamoDBSettings,
    tmp_path: Path,
    sleakops: SleakOpsControl,
) -> None:
    ports = [free_port(), free_port()]
    processes = []
    logs = []
    for port in ports:
        env = shipdeck_env(
            database_url=database_url,
            dynamodb=dynamodb_settings,
            data_dir=tmp_path,
            SHIPDECK_HTTP_PORT=str(port),
            SHIPDECK_SLEAKOPS_API_KEY="shipdeck-local-key",
            SHIPDECK_SLEAKOPS_BASE_URL=f"{sleakops.base_url}/api/",
            SHIPDECK_RELEASES_POLL_INTERVAL_SECONDS="0.1",
            SHIPDECK_RELEASES_RECONCILE_INTERVAL_SECONDS="0.05",
            SHIPDECK_LOG_LEVEL="WARNING",
        )
        logs.append((tmp_path / f"api-{port}.log").open("wb"))
        processes.append(shipdeck("serve", env=env, output=logs[-1]))
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_until_healthy(f"http://127.0.0.1:{port}", process, timeout=60)
        sleakops.queue_script(
            "deploy",
            initial_polls=POLLS_PER_STATE,
            creating_polls=POLLS_PER_STATE,
            times=RELEASES,
        )

        async def start_all() -> list[str]:
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{ports[0]}", timeout=10
            ) as http:
                demo = await demo_project(http)
                ids = []
                for i in range(RELEASES):
                    response = await start_deployment(http, demo.owner, demo.prod_id, image=f"v{i}")
                    assert response.status_code == 202, response.text
                    ids.append(response.json()["sleakops_id"])
                return ids

        sleakops_ids = asyncio.run(start_all())
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            states = {r["id"]: r["state"] for r in sleakops.releases()}
            polled = [r for r in sleakops.releases() if r["id"] in sleakops_ids]
            if all(states[i] == "created" for i in sleakops_ids) and all(
                r["served_polls"] >= 2 * POLLS_PER_STATE + 1 for r in polled
            ):
                break
            time.sleep(0.2)
        time.sleep(0.5)  # a duplicate poll, if any, would land now

        polls = [
            entry
            for entry in sleakops.request_log(path="/api/cli-deployment/*/", method="GET")
            if entry.resource_id in sleakops_ids
        ]
        pollers: set[str] = set()
        for resource in sleakops_ids:
            mine = sorted(
                (p for p in polls if p.resource_id == resource), key=lambda p: p.received_at
            )
            # Exactly the polls the script needs: one process saw each state change, and nobody
            # polled again after the release was seen finished.
            assert len(mine) == 2 * POLLS_PER_STATE + 1, (resource, len(mine))
            for earlier, later in itertools.pairwise(mine):
                assert (earlier.finished_at or earlier.received_at) <= later.received_at
            pollers |= {p.header("user-agent") or "" for p in mine}
        # Both processes took part.
        assert len({agent for agent in pollers if "pid" in agent}) == 2, pollers
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(20)
        for log in logs:
            log.close()
